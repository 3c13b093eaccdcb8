"""Political-ecology portraits of the demo county, modelled on Gansu's "廉政一笔画": a unit
system of 7 aspects (≈ 90 indicators) and a leader system of 6 aspects (≈ 50), their leaves fed
by the platform's measures or rated by the commission's office with reasons; last year's rounds
computed, frozen and published in January, this year's systems copied from them and this
year's rounds computed now (still open).

Everything is written by the services at its historical time (``core.demo.History``), so
``verify_ledger`` finds the demo exactly as recorded.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from oversight.core.demo import past
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode

from . import rounds, services
from .models import EvaluationRound, IndicatorSystem

VIEW = ["ecology:system:view"]
EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": VIEW,
    "supervisor": [*VIEW, "ecology:system:edit", "ecology:round:run", "ecology:rating:enter"],
    "stationed_officer": [*VIEW, "ecology:rating:enter"],
    "town_officer": VIEW,
    "unit_clerk": VIEW,
}

# (measure, rule, params) for leaves fed by the platform's figures.
MEASURED = [
    ("loop.overdue", "deduction", {"per": 0.5}),
    ("loop.on_time_rate", "linear", {"zero": 60, "full": 100}),
    ("duties.punctuality", "linear", {"zero": 50, "full": 100}),
    ("duties.reports_late", "deduction", {"per": 0.5}),
    ("public.complaints", "threshold", {"threshold": 3, "slope": 0.25}),
    ("public.dissatisfied", "deduction", {"per": 0.5}),
    ("analytics.warnings", "threshold", {"threshold": 1, "slope": 0.5}),
    ("documents.replies_late", "deduction", {"per": 1}),
    ("duties.score", "linear", {"zero": 60, "full": 100}),
    ("loop.days_to_close", "linear", {"zero": 60, "full": 10}),
]

UNIT_ASPECTS = [
    ("政治建设", 15, ["贯彻落实党中央决策部署", "意识形态工作", "党内政治生活", "民主集中制执行"]),
    (
        "主体责任落实",
        15,
        ["责任清单制定", "专题研究党风廉政建设", "第一责任人履责", "督促班子成员履责"],
    ),
    ("监督责任落实", 15, ["支持纪检监察履职", "日常监督", "问题线索处置", "执纪审查配合"]),
    ("作风建设", 15, ["整治形式主义官僚主义", "落实中央八项规定精神", "为民服务", "窗口服务质量"]),
    ("廉洁风险防控", 15, ["权力运行监督", "重点领域风险排查", "三重一大决策", "资金资产管理"]),
    ("问题整改", 15, ["巡察反馈问题整改", "审计问题整改", "群众诉求办理", "督办事项办结"]),
    ("廉洁文化建设", 10, ["警示教育", "家风建设", "廉洁文化阵地"]),
]

LEADER_ASPECTS = [
    ("政治品质", 20, ["政治立场", "政治担当", "执行政治纪律"]),
    ("履责尽责", 20, ["履行一岗双责", "研究部署党风廉政建设", "督促整改落实"]),
    ("廉洁自律", 15, ["遵守廉洁纪律", "个人事项报告", "亲属从业管理"]),
    ("工作作风", 15, ["深入基层调研", "密切联系群众", "反对四风"]),
    ("担当作为", 15, ["攻坚克难", "创新工作", "处置突发事件"]),
    ("群众口碑", 15, ["群众满意度", "干部职工评价", "社会评价"]),
]


def _split(total: int, count: int) -> list[int]:
    """``count`` whole-point weights adding up to ``total``."""
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _system(actor, commission, *, subject, year, title, aspects, per_topic, rng) -> IndicatorSystem:
    system = services.system_create(
        actor=actor, subject=subject, year=year, title=title, owner_node=commission
    )
    measured = iter(MEASURED * 10)
    for aspect_title, weight, topics in aspects:
        aspect = services.indicator_add(
            actor=actor, system=system, title=aspect_title, weight=Decimal(weight)
        )
        names = [f"{t}（{k}）" for t in topics for k in range(1, per_topic + 1)]
        for name, points in zip(names, _split(weight * 10, len(names)), strict=True):
            leaf = {"title": name, "weight": Decimal(points) / 10, "parent": aspect}
            if subject == IndicatorSystem.Subject.UNIT and rng.random() < 0.35:
                measure, rule, params = next(measured)
                params = (
                    {**params, "per": params["per"] * points / 10} if "per" in params else params
                )
                leaf.update(source="measure", measure_id=measure, rule=rule, params=params)
            else:
                leaf.update(source="manual", rater_role="县纪委监委党风政风监督室", rule="average")
            services.indicator_add(actor=actor, system=system, **leaf)
    return system


def _rate_and_compute(round_, raters, rng, *, freeze: bool) -> None:
    leaves = list(round_.system.indicators.filter(source="manual").order_by("code"))
    subjects = (
        rounds.leaders_of(list(round_.units.all()), timezone.localdate())
        if round_.system.subject == IndicatorSystem.Subject.LEADER
        else [(u, None) for u in round_.units.all()]
    )
    for rater in raters:
        rows = []
        for node, person in subjects:
            level = rng.uniform(70, 97)
            for leaf in leaves:
                score = max(0, min(100, round(rng.gauss(level, 6))))
                reason = "材料齐全，工作扎实。" if score >= 85 else "台账不完整，落实有差距。"
                rows.append((leaf, node, person, Decimal(score), reason))
        rounds.ratings_save_many(actor=rater, round_=round_, rows=rows)
    actor = raters[0]
    rounds.round_compute(actor=actor, round_=round_)
    if freeze:
        rounds.round_freeze(actor=actor, round_=round_)
        rounds.round_publish(actor=actor, round_=round_, published=True)


def build(*, rng: random.Random, stdout=None, history=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if IndicatorSystem.objects.exists():
        return
    with past(history) as h:
        present = h.present
        last_year = present.year - 1
        january = timezone.make_aware(datetime(present.year, 1, 12, 9, 30))
        when = max(january, h.start + timedelta(days=2))

        def story():
            supervisor = Account.objects.get(username="supervisor")
            raters = [supervisor]
            commission = OrgNode.objects.get(code="QH-JW")
            units = list(
                OrgNode.objects.filter(
                    type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN],
                    code__startswith="QH",
                    is_active=True,
                ).order_by("code")
            )
            unit_system = _system(
                supervisor,
                commission,
                subject="unit",
                year=last_year,
                title="领导班子政治生态评价指标体系",
                aspects=UNIT_ASPECTS,
                per_topic=3,
                rng=rng,
            )
            leader_system = _system(
                supervisor,
                commission,
                subject="leader",
                year=last_year,
                title="领导干部政治生态评价指标体系",
                aspects=LEADER_ASPECTS,
                per_topic=3,
                rng=rng,
            )
            rounds_last = [
                rounds.round_create(
                    actor=supervisor, system=s, title=f"{last_year}年度政治生态评价", units=units
                )
                for s in (unit_system, leader_system)
            ]
            for round_ in rounds_last:
                _rate_and_compute(round_, raters, rng, freeze=True)
            yield timedelta(days=3)
            copies = [
                services.system_copy(actor=supervisor, system=s, year=present.year)
                for s in (unit_system, leader_system)
            ]

            def this_year():
                for s in copies:
                    round_ = rounds.round_create(
                        actor=supervisor,
                        system=s,
                        title=f"{present.year}年度政治生态评价",
                        units=units,
                    )
                    _rate_and_compute(round_, raters, rng, freeze=False)

            h.then(this_year)

        h.story(when, story())
    if stdout is not None:
        stdout.write(
            f"ecology: systems {IndicatorSystem.objects.count()}, rounds "
            f"{EvaluationRound.objects.count()}"
        )
