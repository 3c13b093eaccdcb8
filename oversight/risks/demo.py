"""The demo county's risk catalogue (points over finance, procurement, projects, approvals,
cars, reception and cadre selection), assigned to the bureaus' posts, and the reminders the
rules fire over the demo's data, one acknowledged."""

from __future__ import annotations

import random

from oversight.loop import timing
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import RiskPoint

EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": ["risks:view"],
    "supervisor": ["risks:view", "risks:catalogue:edit", "risks:reminder:confirm"],
    "unit_clerk": ["risks:view", "risks:reminder:answer"],
}

C = RiskPoint.Category
CATALOGUE = {
    C.FINANCE: [
        ("虚列支出套取资金", "high"),
        ("违规发放津贴补贴", "high"),
        ("公款私存设立小金库", "high"),
        ("票据审核把关不严", "medium"),
        ("往来款长期挂账不清理", "medium"),
        ("预算执行随意调整", "medium"),
        ("资金支付未按审批权限", "high"),
        ("会计与出纳岗位不分离", "medium"),
        ("专项资金挤占挪用", "high"),
    ],
    C.PROCUREMENT: [
        ("化整为零规避公开招标", "high"),
        ("指定品牌或供应商", "high"),
        ("评标专家抽取不规范", "medium"),
        ("验收走过场", "medium"),
        ("与供应商存在利益关联", "high"),
        ("采购需求量身定制", "high"),
        ("合同履约监督缺位", "medium"),
        ("应急采购随意扩大", "medium"),
        ("采购档案不完整", "low"),
    ],
    C.PROJECTS: [
        ("工程项目违规分包转包", "high"),
        ("工程变更签证虚增", "high"),
        ("未经审计即结算付款", "high"),
        ("隐蔽工程验收不实", "medium"),
        ("项目建设程序倒置", "medium"),
        ("插手干预工程招投标", "high"),
        ("工程款拨付不按进度", "medium"),
        ("监理单位履职不力", "medium"),
        ("工程质量检测造假", "high"),
    ],
    C.APPROVALS: [
        ("审批时限随意拖延", "medium"),
        ("降低审批标准", "medium"),
        ("吃拿卡要", "high"),
        ("执法检查选择性执法", "medium"),
        ("罚没款不入账", "high"),
        ("行政许可材料审核不严", "medium"),
        ("检查结果不公开", "low"),
        ("自由裁量权滥用", "medium"),
        ("中介服务指定", "medium"),
    ],
    C.CARS: [
        ("公车私用", "medium"),
        ("违规配备使用公务用车", "medium"),
        ("车辆维修虚报冒领", "medium"),
        ("加油卡违规使用", "medium"),
        ("公车私驾节假日出行", "medium"),
        ("车辆台账登记不实", "low"),
        ("超标准租用车辆", "low"),
    ],
    C.RECEPTION: [
        ("超标准接待", "medium"),
        ("无公函接待", "medium"),
        ("借接待之名大吃大喝", "high"),
        ("接待费用虚列", "medium"),
        ("违规安排娱乐活动", "medium"),
        ("陪餐人数超标", "low"),
        ("接待清单不真实", "low"),
        ("公款购买赠送礼品", "high"),
    ],
    C.CADRES: [
        ("干部选拔程序不规范", "high"),
        ("带病提拔", "high"),
        ("违规突击提拔", "high"),
        ("考察失真失实", "medium"),
        ("档案造假", "high"),
        ("民主推荐走过场", "medium"),
        ("任人唯亲", "high"),
        ("干部交流轮岗不落实", "medium"),
        ("选人用人信息不公开", "low"),
    ],
}

POSTS = {C.FINANCE: "财务科长", C.PROCUREMENT: "采购专员", C.PROJECTS: "项目负责人"}


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if RiskPoint.objects.exists():
        return
    supervisor = Account.objects.get(username="supervisor")
    points = []
    for category, rows in CATALOGUE.items():
        for name, level in rows:
            points.append(
                services.point_save(
                    actor=supervisor,
                    point=None,
                    category=category,
                    name=name,
                    description=f"{C(category).label}岗位存在“{name}”的风险。",
                    prevention="制度约束、流程公开、双人复核、定期轮岗、纪检监督。",
                    indicator="相关预警和问题线索数量",
                    level=level,
                )
            )
    bureaus = list(
        OrgNode.objects.filter(
            code__startswith="QH", type__in=[OrgNode.Type.UNIT, OrgNode.Type.DEPARTMENT]
        ).order_by("code")[:6]
    )
    for node in bureaus:
        for point in points:
            if point.level == "high" and point.category in POSTS:
                services.assignment_add(actor=supervisor, point=point, node=node, post="")
    report = services.rules_run(on=timing.today())
    acknowledged = 0
    for reminder in report.fired[:3]:
        clerk = Account.objects.filter(
            org_node=reminder.node, roles__key="unit_clerk", is_active=True
        ).first()
        if clerk is None:
            continue
        from oversight.loop import services as loop

        loop.item_transition(
            item=reminder.item,
            name="acknowledge",
            actor=clerk,
            comment="已召开专题会议部署整改，对相关岗位人员进行提醒。",
        )
        acknowledged += 1
    if stdout is not None:
        stdout.write(
            f"risks: {len(points)} risk points, {len(report.fired)} reminders fired, "
            f"{acknowledged} acknowledged\n"
        )
