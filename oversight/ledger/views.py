"""The ledger's pages: public endpoints anyone may call, and audit pages for supervisors."""

from __future__ import annotations

import base64
import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from oversight.core.access import require_perm
from oversight.core.forms_flow import call_service
from oversight.core.paging import Column, export_or

from . import keys, leaves, selectors, services, tasks, witness, witnessing
from .forms import AlarmResolveForm, TraceFilterForm
from .models import Alarm
from .verify import text as verify_text


class BadParameter(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def _public(view):
    """A public read: GET only, bad parameters answer 400 with JSON naming the parameter."""

    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return JsonResponse({"error": exc.message, "parameter": exc.name}, status=400)
        except keys.SigningKeyError:
            message = _("The ledger cannot sign checkpoints: its signing key is not configured.")
            return JsonResponse({"error": message}, status=503)

    return wrapper


def _integer(name: str, raw: str | None, *, minimum: int = 0) -> int:
    if raw is None or raw == "":
        raise BadParameter(name, _("%(name)s is required.") % {"name": name})
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise BadParameter(name, _("%(name)s must be a whole number.") % {"name": name})
    value = int(raw)
    if value < minimum:
        raise BadParameter(
            name, _("%(name)s must be at least %(min)s.") % {"name": name, "min": minimum}
        )
    return value


def _at_most_size(name: str, value: int) -> int:
    size = selectors.log_size()
    if value > size:
        raise BadParameter(
            name,
            _("%(name)s is %(value)s but the log holds %(size)s leaves.")
            % {"name": name, "value": value, "size": size},
        )
    return value


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(item).decode("ascii") for item in items]


# --- public ---------------------------------------------------------------------------------


@_public
def checkpoint(request):
    """The latest checkpoint the worker signed, as C2SP text with its witnesses' cosignatures. A request never signs one (only
    the worker does, every LEDGER_CHECKPOINT_MINUTES): before the first, 503 with a message."""
    latest = selectors.latest_checkpoint()
    if latest is None:
        response = JsonResponse(
            {
                "error": _(
                    "The ledger has not signed a checkpoint yet; the worker signs one within "
                    "%(minutes)s minute(s)."
                )
                % {"minutes": settings.LEDGER_CHECKPOINT_MINUTES}
            },
            status=503,
        )
        response["Retry-After"] = str(60 * settings.LEDGER_CHECKPOINT_MINUTES)
        return response
    return HttpResponse(witnessing.cosigned_note(latest), content_type="text/plain; charset=utf-8")


@_public
def public_key(request):
    """The verifier key that signs checkpoints (name+key id+base64 key)."""
    return HttpResponse(keys.verifier().vkey + "\n", content_type="text/plain; charset=utf-8")


@_public
def leaf(request, index: str):
    """A leaf's canonical bytes, exactly as hashed: digests, action and target type, never who
    acted or what they wrote (see ``leaves``). A leaf of format 1 carried account ids and
    details: its bytes are withheld (403), its hash is served with the answer and its proofs."""
    number = _integer("index", index)
    found = selectors.public_leaf(number)
    if found is None:
        return JsonResponse(
            {"error": _("No leaf at this index."), "parameter": "index"}, status=404
        )
    data = bytes(found.data)
    if not leaves.published(data):
        return JsonResponse(
            {
                "error": _(
                    "This leaf was written in the ledger's first format, which carried account "
                    "ids and free text; its bytes are not published. Its hash and proofs are."
                ),
                "parameter": "index",
                "leaf_hash": base64.b64encode(bytes(found.hash)).decode("ascii"),
            },
            status=403,
        )
    return HttpResponse(data, content_type="application/json")


@_public
def inclusion_proof(request):
    """The inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    index = _integer("index", request.GET.get("index"))
    size = _at_most_size("size", _integer("size", request.GET.get("size"), minimum=1))
    if index >= size:
        raise BadParameter("index", _("index must be smaller than size."))
    found = selectors.public_leaf(index)
    return JsonResponse(
        {
            "index": index,
            "tree_size": size,
            "leaf_hash": base64.b64encode(bytes(found.hash)).decode("ascii"),
            "inclusion_proof": _b64(selectors.inclusion(index, size)),
        }
    )


@_public
def consistency_proof(request):
    """The consistency proof between the trees of ``from`` and ``to`` leaves."""
    first = _integer("from", request.GET.get("from"), minimum=1)
    second = _at_most_size("to", _integer("to", request.GET.get("to"), minimum=1))
    if first > second:
        raise BadParameter("from", _("from must not be larger than to."))
    return JsonResponse(
        {
            "from": first,
            "to": second,
            "consistency_proof": _b64(selectors.consistency(first, second)),
        }
    )


@_public
def receipt(request, index: str):
    """A fixed record's receipt, to check offline with tools/verify_receipt.py."""
    found = selectors.fixed_leaf(_integer("index", index), viewer=request.user)
    if found is None:
        raise Http404
    document = services.receipt_for(found)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-receipt-{found.index}.json"'
    return response


@require_GET
def record(request, index: int):
    """The public page of a fixed public record: its content and its ledger badge."""
    found = selectors.fixed_leaf(index)
    if found is None or not found.content_public:
        raise Http404
    badge = selectors.fixed_badge(record_type=found.target_type, record_id=found.target_id)
    return render(
        request,
        "ledger/record.html",
        {
            "leaf": found,
            "content": sorted(json.loads(found.fixed_content).items()),
            "ledger_badge": badge
            if badge and badge.index == found.index
            else selectors.badge_of(found),
            "superseded_by": badge if badge and badge.index != found.index else None,
        },
    )


@csrf_exempt
@require_POST
def witness_add_checkpoint(request):
    """C2SP tlog-witness add-checkpoint: cosign another platform's checkpoint (see witness.py).

    No session and no CSRF token: the only authentication is the log's signature, as the spec
    says; an origin not in LEDGER_WITNESS_LOGS answers 404.
    """
    try:
        answer = witness.add_checkpoint(request.body)
    except keys.SigningKeyError:
        answer = witness.Answer(503, "text/plain", b"the witness key is not configured\n")
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


# --- audit ----------------------------------------------------------------------------------


def _actor(leaf) -> str:
    if leaf.actor_id and leaf.actor:
        return str(leaf.actor)
    return f"#{leaf.actor_id}" if leaf.actor_id else _("the system")


TRACE_COLUMNS = [
    Column("index", _lazy("ledger index"), lambda e: e.index, sort="index"),
    Column(
        "at",
        _lazy("time"),
        lambda e: timezone.localtime(e.at).replace(tzinfo=None),
        sort="at",
    ),
    Column("actor", _lazy("actor"), _actor),
    Column("node", _lazy("org node"), lambda e: e.actor_node.name if e.actor_node_id else ""),
    Column("action", _lazy("action"), lambda e: e.action, sort="action"),
    Column("target_type", _lazy("target type"), lambda e: e.target_type),
    Column("target_id", _lazy("target id"), lambda e: e.target_id),
    Column("fixed", _lazy("fixed"), lambda e: _("yes") if e.content_digest else ""),
    Column("after_digest", _lazy("digest after"), lambda e: e.after_digest),
]


@require_perm("ledger:audit:view")
def trace(request):
    """The trace of records: every entry in the viewer's scope, filterable, and exported as
    filtered (``?export=xlsx``)."""
    form = TraceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.leaf_list(viewer=request.user, **{k: v for k, v in filters.items() if v})
    return export_or(
        request,
        entries,
        columns=TRACE_COLUMNS,
        filename="ledger-trace.xlsx",
        title=_("Trace of records"),
        render=lambda page: render(
            request,
            "ledger/trace.html",
            {"form": form, "page": page},
            status=400 if form.is_bound and form.errors else 200,
        ),
    )


@require_perm("ledger:audit:view")
def entry(request, index: int):
    """One entry: its bytes, its protected details, and its record's other entries."""
    found = selectors.leaf_get(viewer=request.user, index=index)
    return render(
        request,
        "ledger/entry.html",
        {
            "leaf": found,
            "leaf_json": json.dumps(json.loads(bytes(found.data)), ensure_ascii=False, indent=2),
            "leaf_hash": bytes(found.hash).hex(),
            "protected": sorted(selectors.protected_values(found).items()),
            "opening": selectors.opening_text(found),
            "published": leaves.published(bytes(found.data)),
            "badge": selectors.badge_of(found) if found.is_fixed else None,
            "record_trace": urlencode(
                {"target_type": found.target_type, "target_id": found.target_id}
            ),
        },
    )


@require_perm("ledger:audit:view")
def state(request):
    """Size, last checkpoint and last full verification."""
    context = selectors.ledger_state()
    run = context["verification"]
    context["mismatches"] = [
        {**stored, "text": verify_text(stored)} for stored in (run.mismatches if run else [])
    ]
    context["alarm"] = services.open_alarm()
    context["alarm_form"] = AlarmResolveForm()
    return render(request, "ledger/state.html", context)


@require_POST
@require_perm("ledger:alarm:resolve")
def alarm_resolve(request, pk: int):
    """Resolve the open alarm: say what was found and done; signing resumes."""
    alarm = get_object_or_404(Alarm, pk=pk, resolved_at__isnull=True)
    form = AlarmResolveForm(request.POST)
    request.operation_target = alarm
    if form.is_valid() and call_service(
        form,
        services.resolve_alarm,
        alarm=alarm,
        actor=request.user,
        resolution=form.cleaned_data["resolution"],
    ):
        messages.success(request, _("The alarm is resolved; checkpoints are signed again."))
        return redirect("ledger:state")
    context = selectors.ledger_state()
    context.update(alarm=alarm, alarm_form=form, mismatches=[])
    return render(request, "ledger/state.html", context, status=400)


@require_POST
@require_perm("ledger:verify:run")
def verify(request):
    """Start a full verification in the background."""
    tasks.verify_now()
    messages.success(request, _("A full verification has started; its result appears here."))
    return redirect("ledger:state")
