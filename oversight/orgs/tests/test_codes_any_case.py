"""Codes and usernames are unique whatever their case: the services refuse with a named field,
the forms show it, and the database holds the rule even for writes that skip both."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from oversight.conftest import PASSWORD, client_for
from oversight.core import services as core_services
from oversight.core.migration_checks import case_clashes
from oversight.core.models import DictType
from oversight.orgs import services
from oversight.orgs.models import Account, OrgNode


def test_it_refuses_a_node_code_differing_only_in_case(county):
    with pytest.raises(ValidationError) as refused:
        services.node_create(name="Copy", code="c-t1", type="town", parent=county.county)
    assert refused.value.error_dict["code"][0].code == "duplicate_code"
    with pytest.raises(ValidationError):
        services.node_update(
            node=county.town2, name="Town 2", code="C-T1".lower(), type="town", sort=0
        )
    response = client_for(county.admin).post(
        "/orgs/nodes/add/",
        {"name": "Copy", "code": "c-ua", "type": "unit", "parent": county.county.pk, "sort": 0},
    )
    assert response.status_code == 400 and "code" in response.context["form"].errors
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgNode.objects.create(name="Raw", code="C-T2".lower(), type="town", path="/x/", depth=0)


def test_it_refuses_a_username_differing_only_in_case(county):
    with pytest.raises(ValidationError) as refused:
        services.account_save(
            account=None,
            username="TOWN1",
            display_name="",
            org_node=county.town1,
            person=None,
            roles=[],
            password=PASSWORD,
        )
    assert refused.value.error_dict["username"][0].code == "duplicate_username"
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(username="Town2", org_node=county.town2)


def test_it_refuses_a_dictionary_code_differing_only_in_case(db):
    core_services.dict_type_save(dict_type=None, code="cadre_rank", name="Rank")
    with pytest.raises(ValidationError) as refused:
        core_services.dict_type_save(dict_type=None, code="CADRE_RANK", name="Rank 2")
    assert refused.value.error_dict["code"][0].code == "duplicate_code"
    with pytest.raises(IntegrityError), transaction.atomic():
        DictType.objects.create(code="Cadre_Rank", name="Raw")


def test_the_migrations_data_check_names_clashes(county):
    from oversight.core.migration_checks import refuse_case_clashes
    from oversight.orgs.models import Role

    class Historical:  # what a migration's ``apps`` gives: here a field with no such rule yet
        def get_model(self, app_label, model_name):
            return Role

    assert case_clashes(Role, "name") == []
    refuse_case_clashes(Historical(), [("orgs", "Role", "name")])
    Role.objects.create(key="town-copy", name="TOWN")
    assert case_clashes(Role, "name") == ["TOWN", "town"]
    with pytest.raises(RuntimeError, match="TOWN, town"):
        refuse_case_clashes(Historical(), [("orgs", "Role", "name")])
