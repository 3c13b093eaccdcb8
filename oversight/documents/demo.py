"""Demonstration documents: a few of every type issued by the commission and two towns.

Idempotent: a second run finds the first document and changes nothing. Add
``"oversight.documents.demo"`` to ``core.demo.BUILDERS`` after ``oversight.orgs.demo``.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from functools import partial

from django.utils import timezone

from oversight.core import demo
from oversight.orgs import demo as org_demo
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import DocType, Document

MARK = "demo"

LETTERS = [
    (
        DocType.SUPERVISION_SUGGESTION,
        "QH-JW",
        "QH-U04",
        "关于规范学校食堂大宗物资采购的监督建议",
        [
            "我委在日常监督中发现，部分学校食堂大宗物资采购未按规定公开比选，采购台账登记不全。",
            "建议你局组织开展专项排查，健全采购内控制度，落实食堂账目定期公开。",
        ],
    ),
    (
        DocType.RECTIFICATION_NOTICE,
        "QH-JW",
        "QH-U13",
        "关于工程项目变更审批问题的整改通知",
        [
            "经监督检查，你局在两个市政工程项目中存在先变更后审批、变更资料不全等问题。",
            "请对照问题清单逐项整改，明确责任人和完成时限，并举一反三完善制度。",
        ],
    ),
    (
        DocType.WARNING_NOTICE,
        "QH-JW",
        "QH-U07",
        "关于低保对象与财政供养人员信息比对异常的预警通知",
        [
            "大数据比对发现，有3名低保对象的直系亲属为财政供养人员，存在违规享受低保的风险。",
            "请逐一核实并依规处置，核查结果一并报送。",
        ],
    ),
    (
        DocType.SUPERVISION_OPINION,
        "QH-JW",
        "QH-U16",
        "关于高标准农田建设项目资金使用的监督意见",
        [
            "你局高标准农田建设项目资金拨付进度滞后，部分项目验收资料不完整。",
            "请加快资金拨付，规范验收程序，主动接受群众监督。",
        ],
    ),
    (
        DocType.FEEDBACK_SUGGESTION,
        "QH-T01",
        "QH-T01-V01",
        "关于村级财务公开工作的反馈建议",
        [
            "镇纪委在巡察中发现，该村第三季度财务公开内容不全，未公开招待费明细。",
            "建议村务监督委员会督促补充公开，并于每季度首月十日前完成公开。",
        ],
    ),
    (
        DocType.EVALUATION_REPORT,
        "QH-JW",
        "QH-XW",
        "2025年度全县政治生态评估报告",
        [
            "本年度全县政治生态总体向好，干部作风持续改进，群众满意度有所提升。",
            "个别单位主体责任落实不到位，廉洁风险防控措施仍需细化。",
        ],
    ),
    (
        DocType.RECTIFICATION_NOTICE,
        "QH-T02",
        "QH-T02-V02",
        "关于集体资产租赁合同管理的整改通知",
        [
            "经核查，该社区部分集体资产租赁合同到期未续签，租金收缴不及时。",
            "请清理到期合同，按规定公开招租，追缴欠缴租金。",
        ],
    ),
]


RECEIVING_ROLES = ["unit_clerk", "town_officer", "stationed_officer", "supervisor", "leader"]


EXTRA = {
    "supervisor": ["documents:document:draft"],
    "leader": ["documents:document:issue", "documents:document:view"],
}


def grant_permissions() -> None:
    """The units' liaison accounts read, sign for and reply to what is sent to them;
    supervisors draft, the leader reviews and signs."""
    wanted: dict[str, set[str]] = {}
    for key in [*RECEIVING_ROLES, *EXTRA]:
        codes = {"documents:received:view"} if key in RECEIVING_ROLES else set()
        wanted[key] = codes | set(EXTRA.get(key, ()))
    org_demo.grant_permissions(wanted)


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    with demo.past(history) as past:
        grant_permissions()
        nodes = {n.code: n for n in OrgNode.objects.filter(code__startswith="QH")}
        if "QH-JW" not in nodes or Document.objects.filter(content__extra__source=MARK).exists():
            return
        actor = Account.objects.filter(username="supervisor").first()
        today = timezone.localtime(past.present).date()
        # Earlier documents get smaller numbers, as they would have: each is issued on its day.
        dates = sorted(today - timedelta(days=rng.randint(3, 60)) for _ in LETTERS)
        issued = []
        for letter, issued_on in zip(LETTERS, dates, strict=True):
            if letter[1] not in nodes or letter[2] not in nodes:
                continue
            moment = timezone.make_aware(datetime.combine(issued_on, time(9, 30)))
            past.at(moment, partial(_issue, letter, issued_on, nodes, actor, issued))
        if stdout is not None:
            past.then(
                lambda: stdout.write(f"documents: {len(issued)} demonstration documents issued\n")
            )


def _issue(letter, issued_on, nodes, actor, issued: list) -> None:
    doc_type, issuer, recipient, title, paragraphs = letter
    issued.append(
        services.issue_document(
            doc_type=doc_type,
            issuer_node=nodes[issuer],
            actor=actor,
            context={
                "recipient_unit": nodes[recipient].name,
                "title": title,
                "paragraphs": paragraphs,
                "deadline": issued_on + timedelta(days=30),
                "extra": {"source": MARK},
            },
            issued_on=issued_on,
            recipients=[nodes[recipient]],
            reply_by=issued_on + timedelta(days=30),
            evidence_required=doc_type == DocType.RECTIFICATION_NOTICE,
        )
    )
