from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    # Public, no sign-in: what anyone needs to check the log.
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.public_key, name="key"),
    path("leaf/<str:index>", views.leaf, name="leaf"),
    path("proof/inclusion", views.inclusion_proof, name="inclusion_proof"),
    path("proof/consistency", views.consistency_proof, name="consistency_proof"),
    path("receipt/<str:index>", views.receipt, name="receipt"),
    path("records/<id:index>/", views.record, name="record"),
    # C2SP tlog-witness: this platform cosigning other platforms' logs.
    path("witness/add-checkpoint", views.witness_add_checkpoint, name="witness_add_checkpoint"),
    # Supervisors.
    path("trace/", views.trace, name="trace"),
    path("trace/<id:index>/", views.entry, name="entry"),
    path("state/", views.state, name="state"),
    path("state/verify/", views.verify, name="verify"),
    path("state/alarm/<id:pk>/resolve/", views.alarm_resolve, name="alarm_resolve"),
]
