"""Forms of the documents pages. They validate input; services change state."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.core.forms import refuse_past_date
from oversight.orgs.forms import NodeChoiceField, NodeMultipleChoiceField, ScopedForm
from oversight.orgs.models import OrgNode

from .models import DocType


class IssueForm(ScopedForm):
    doc_type = forms.ChoiceField(label=_("document type"), choices=DocType.choices)
    issuer_node = NodeChoiceField(label=_("issuing org node"), queryset=OrgNode.objects.none())
    recipient_unit = forms.CharField(label=_("recipient unit"), max_length=200)
    title = forms.CharField(label=_("title"), max_length=200)
    body = forms.CharField(
        label=_("body"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One paragraph per line."),
    )
    deadline = forms.DateField(
        label=_("deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    signature = forms.CharField(
        label=_("signature"),
        max_length=200,
        required=False,
        help_text=_("The issuing org node's name when left empty."),
    )
    recipients = NodeMultipleChoiceField(
        label=_("send to (收文 units)"),
        queryset=OrgNode.objects.none(),
        required=False,
        help_text=_("Each unit receives it, signs for it and, if asked, replies."),
    )
    reply_by = forms.DateField(
        label=_("reply by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence_required = forms.BooleanField(
        label=_("evidence required with the reply"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_node"].queryset = self.nodes()
        self.fields["recipients"].queryset = OrgNode.objects.filter(is_active=True).order_by("path")

    def clean(self):
        data = super().clean()
        if data.get("evidence_required") and not data.get("reply_by"):
            self.add_error("reply_by", _("Say by when the reply with evidence is due."))
        if data.get("reply_by") and data["reply_by"] < timezone.localdate():
            self.add_error("reply_by", _("The reply cannot be due before today."))
        return data

    def clean_deadline(self):
        return refuse_past_date(self.cleaned_data["deadline"], today=timezone.localdate())

    def context(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key] for key in ("recipient_unit", "title", "body", "deadline", "signature")
        }


class TemplateUploadForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("document type"), choices=DocType.choices)
    name = forms.CharField(label=_("name"), max_length=120)
    file = forms.FileField(
        label=_("Word template (.docx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )
    activate = forms.BooleanField(label=_("Use it from now on"), required=False, initial=True)

    def clean_file(self):
        # Refuse a large upload before reading it into memory; the service checks the rest.
        upload = self.cleaned_data["file"]
        limit = settings.DOCUMENTS_TEMPLATE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)},
                code="too_large",
            )
        return upload


class PrefixForm(ScopedForm):
    node = NodeChoiceField(label=_("issuing org node"), queryset=OrgNode.objects.none())
    doc_type = forms.ChoiceField(label=_("document type"), choices=DocType.choices)
    prefix = forms.CharField(
        label=_("prefix"),
        max_length=20,
        required=False,
        help_text=_("For example 清纪建, giving 清纪建〔2026〕7号. Leave empty for the default."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = self.nodes()


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("reply"), widget=forms.Textarea(attrs={"rows": 5}))
    evidence = forms.FileField(label=_("evidence"), required=False)
