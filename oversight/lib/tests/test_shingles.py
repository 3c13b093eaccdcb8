"""Near-duplicate detection on planted pairs: identical, lightly edited and reordered reports are
alike; two reports sharing only the duty's requirement text are not."""

from oversight.lib.shingles import own_length, similarity

REQUIREMENT = "党委（党组）每半年至少专题研究一次党风廉政建设工作，形成会议纪要。"
A = (
    "3月12日，局党组召开专题会议，研究部署全年党风廉政建设工作，班子成员逐一发言。\n\n"
    "会议明确了班子成员一岗双责清单，分解任务二十三项，印发了责任分工方案。\n\n"
    "会后组织全体干部观看警示教育片，并开展廉政谈话十五人次。"
)


def test_identical_edited_and_reordered_reports_are_alike():
    assert similarity(A, A) == 1.0
    edited = A.replace("二十三项", "二十五项").replace("十五人次", "十八人次")
    assert similarity(A, edited) > 0.8
    paragraphs = A.split("\n\n")
    reordered = "\n\n".join([paragraphs[2], paragraphs[0], paragraphs[1]])
    assert similarity(A, reordered) > 0.9


def test_reports_sharing_only_the_requirement_are_not_alike():
    mine = REQUIREMENT + "4月2日召开党组会，听取驻局纪检组意见，整改发现的三个问题。"
    theirs = REQUIREMENT + "镇党委6月研究村级小微权力清单，走访十二个村，收集意见四十条。"
    assert similarity(mine, theirs, boilerplate=REQUIREMENT) < 0.1
    assert similarity(mine, theirs) > 0.3  # without discounting they would look alike


def test_a_report_that_only_quotes_the_requirement_has_no_substance():
    assert own_length(REQUIREMENT + "已完成。", boilerplate=REQUIREMENT) < 5
    assert own_length(A, boilerplate=REQUIREMENT) > 50
