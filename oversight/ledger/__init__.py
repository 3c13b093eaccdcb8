"""The ledger: an append-only transparency log (RFC 9162 tree, C2SP checkpoints) under every trace.

What other apps use:

- ``services.record(actor=, action=, target=, before=, after=, details=None)`` from a service,
  inside the transaction of the change it records (it joins it). ``targets.snapshot(instance)``
  turns a model instance into the dict whose digest goes into ``before``/``after``.
- ``services.fix_record(actor=, record_type=, record_id=, content=, public=True)`` when a record
  becomes fixed (published disclosure, closed file): the leaf carries the digest of ``content``.
- ``<app>/ledger_targets.py`` declaring ``TARGETS = [targets.TargetKind(type=, snapshot=,
  visible=)]``: how ``verify_ledger`` re-reads a fixed record, and who may see a record (they
  download its receipt and open its entries in the trace).
- ``selectors.fixed_badge(record_type=, record_id=)`` and the template include
  ``ledger/_badge.html`` ("verified in the ledger at index I", receipt download) for a public
  page.

A public leaf (format 2, see ``leaves``) carries the action, the target's type, the minute and
digests: who acted, the record's id (unless the record is public), the exact time and the
details stay in the database, bound to the leaf by a salted commitment.

Layout: ``tlog/`` is the Django-free core (tree, checkpoints, receipts); ``leaves`` the leaf
format; ``store`` the node table as a tlog store; ``keys`` the signing key; ``verify`` the full
recomputation behind ``manage.py verify_ledger``.
"""
