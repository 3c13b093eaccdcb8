"""The portrait's four documents in one click (反馈建议书, 预警通知书, 监督意见书, 政治生态评价
报告), drafted through the documents app (拟稿 → 审核 → 签发: the serial number is taken when
another officer signs) and filled from the portrait's figures and its weakest indicators; the
officer edits a draft before it is signed. The warning notice is drafted only when the score,
or an aspect's share, falls below the round's warning line."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.documents import services as documents
from oversight.documents.models import DocType
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account

from .models import Portrait, PortraitDocument

RUN = "ecology:round:run"
WEAKEST = 5


def below_line(portrait: Portrait) -> list[str]:
    """Why a warning notice is proposed: the score or the aspects below the warning line."""
    line = float(portrait.round.warning_below)
    reasons = []
    if float(portrait.score) < line:
        reasons.append(f"综合得分{portrait.score}分，低于预警线{line:g}分")
    for a in portrait.aspects:
        if a["percent"] is not None and a["percent"] < line:
            reasons.append(f"“{a['title']}”得分率{a['percent']}%，低于{line:g}%")
    return reasons


def _subject(portrait: Portrait) -> str:
    if portrait.person_id:
        return f"{portrait.node.name}{portrait.person.name}同志"
    return f"{portrait.node.name}领导班子"


def _weakest(portrait: Portrait) -> list[str]:
    return [
        f"“{x['code']} {x['title']}”（{x['aspect']}）失{x['lost']:g}分"
        for x in portrait.lost[:WEAKEST]
    ]


def _contents(portrait: Portrait) -> dict[str, dict]:
    """Each document's title and paragraphs, from the portrait."""
    year = portrait.round.system.year
    who = _subject(portrait)
    rank = f"在{portrait.peers}个同类单位中排第{portrait.rank}名"
    aspects = "；".join(
        f"{a['title']}{a['points']:g}分（满分{a['weight']:g}分）" for a in portrait.aspects
    )
    weakest = _weakest(portrait) or ["各项指标均未失分"]
    common = {"recipient_unit": portrait.node.name}
    contents = {
        DocType.FEEDBACK_SUGGESTION: {
            "title": f"关于{who}{year}年度政治生态评价情况的反馈建议书",
            "paragraphs": [
                f"经{year}年度政治生态评价，{who}综合得分{portrait.score}分，{rank}。",
                f"各维度得分：{aspects}。",
                "失分较多的指标：" + "；".join(weakest) + "。",
                "建议针对上述薄弱环节，认真分析原因，制定改进措施，并将落实情况按期反馈。",
            ],
        },
        DocType.SUPERVISION_OPINION: {
            "title": f"关于{who}政治生态建设的监督意见书",
            "paragraphs": [
                f"根据{year}年度政治生态评价结果（综合得分{portrait.score}分，{rank}），"
                "现提出如下监督意见：",
                *[f"{n}. 针对{w}，压实责任，补齐短板。" for n, w in enumerate(weakest, start=1)],
                "请认真研究落实，并于规定期限内书面报告落实情况。",
            ],
        },
        DocType.EVALUATION_REPORT: {
            "title": f"{who}{year}年度政治生态评价报告",
            "paragraphs": [
                f"一、总体情况。{who}{year}年度政治生态综合得分{portrait.score}分，{rank}。"
                + ("存在一票否决情形。" if portrait.vetoed else ""),
                f"二、各维度情况。{aspects}。",
                "三、主要问题。" + "；".join(weakest) + "。",
                "四、工作建议。聚焦失分指标，强化主体责任和监督责任落实，持续净化修复政治生态。",
            ],
        },
    }
    reasons = below_line(portrait)
    if reasons:
        contents[DocType.WARNING_NOTICE] = {
            "title": f"关于{who}政治生态状况的预警通知书",
            "paragraphs": [
                f"经{year}年度政治生态评价，{who}" + "，".join(reasons) + "。",
                "失分较多的指标：" + "；".join(weakest) + "。",
                "请高度重视，深入查找原因，限期整改，并将整改情况书面报告。",
            ],
        }
    # One paragraph per line: the draft keeps its body as text the officer edits.
    return {
        doc_type: {**common, "title": c["title"], "body": "\n".join(c["paragraphs"])}
        for doc_type, c in contents.items()
    }


@transaction.atomic
def portrait_documents(*, actor: Account, portrait: Portrait) -> list[PortraitDocument]:
    """Draft the portrait's documents not drafted yet (the warning notice only when below the
    line), each a draft the officer edits, has reviewed and signed in the documents app."""
    if not has_perm(actor, RUN):
        raise PermissionDenied(_("Your role does not do this."))
    have = set(portrait.documents.values_list("doc_type", flat=True))
    made = []
    for doc_type, content in _contents(portrait).items():
        if doc_type in have:
            continue
        draft = documents.draft_create(
            actor=actor,
            doc_type=doc_type,
            issuer_node=portrait.round.system.owner_node,
            context=content,
            recipients=[portrait.node],
        )
        row = PortraitDocument.objects.create(portrait=portrait, doc_type=doc_type, draft=draft)
        ledger.record(
            actor=actor,
            action="ecology.portrait.document",
            target=row,
            before=None,
            after=snapshot(row),
        )
        made.append(row)
    if not made and not have:
        raise ValidationError(_("Nothing to draft."), code="nothing")
    return made
