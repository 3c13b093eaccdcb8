from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WorkItem


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; the loop's upload checks judge type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("evidence"), help_text=_("Images, PDF or Office files."))


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("evidence"), help_text=_("Images, PDF or Office files."))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}))


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("instruction"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(
        label=_("requested deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("title contains"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    light = forms.ChoiceField(
        label=_("light"), required=False, choices=[("", "—"), *WorkItem.Light.choices]
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[
            ("", "—"),
            ("open", _("Open")),
            ("closed", _("Closed")),
            ("overdue", _("Overdue")),
        ],
    )
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    on_time = forms.ChoiceField(
        required=False,
        choices=[("", "—"), ("yes", _("on time")), ("no", _("late"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        from .registry import kind_choices

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *kind_choices()]


class StatisticsForm(forms.Form):
    group = forms.ChoiceField(
        label=_("group by"), required=False, choices=[("node", _("unit")), ("kind", _("kind"))]
    )
    kind = forms.ChoiceField(label=_("kind"), required=False)
    start = forms.DateField(
        label=_("opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("opened to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    under = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from .registry import kind_choices

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *kind_choices()]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working = forms.TypedChoiceField(
        label=_("the day is"),
        coerce=lambda v: v == "work",
        choices=[("work", _("a working day")), ("off", _("a day off"))],
    )
    note = forms.CharField(label=_("note"), max_length=100, required=False)


class KindSettingForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"))
    yellow_days = forms.IntegerField(label=_("yellow within (days)"), min_value=0, max_value=60)
    behind_margin = forms.IntegerField(
        label=_("yellow when behind by (points)"), min_value=1, max_value=100
    )
    remind_days_before = forms.IntegerField(
        label=_("remind before (days)"), min_value=0, max_value=60
    )
    escalate_every_days = forms.IntegerField(
        label=_("escalate every (days)"), min_value=1, max_value=60
    )

    def __init__(self, *args, **kwargs):
        from .registry import kind_choices

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()


class LadderForm(forms.Form):
    """A kind's warning ladder: up to ``RUNGS`` rungs, each a light, its day and who is warned;
    a rung without a light is left out."""

    RUNGS = 5

    def __init__(self, *args, kind: str, initial_ladder=(), **kwargs):
        from .services import ladder_audiences

        super().__init__(*args, **kwargs)
        lights = [
            ("", "—"),
            ("green", _("green: days before the deadline")),
            ("yellow", _("yellow: days before the deadline")),
            ("red", _("red: days after the deadline")),
        ]
        audiences = ladder_audiences(kind)
        for n in range(1, self.RUNGS + 1):
            rung = initial_ladder[n - 1] if n <= len(initial_ladder) else None
            self.fields[f"light_{n}"] = forms.ChoiceField(
                label=_("rung %(n)d: light") % {"n": n},
                choices=lights,
                required=False,
                initial=rung.light if rung else "",
            )
            self.fields[f"days_{n}"] = forms.IntegerField(
                label=_("rung %(n)d: days") % {"n": n},
                min_value=0,
                max_value=365,
                required=False,
                initial=rung.days if rung else None,
            )
            self.fields[f"audiences_{n}"] = forms.MultipleChoiceField(
                label=_("rung %(n)d: who is warned") % {"n": n},
                choices=audiences,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=list(rung.audiences) if rung else [],
            )

    def clean(self):
        data = super().clean()
        ladder = []
        for n in range(1, self.RUNGS + 1):
            light = data.get(f"light_{n}")
            if not light:
                continue
            if data.get(f"days_{n}") is None:
                self.add_error(f"days_{n}", _("Give the days of this rung."))
                continue
            ladder.append(
                {
                    "light": light,
                    "days": data[f"days_{n}"],
                    "audiences": data.get(f"audiences_{n}") or [],
                }
            )
        data["ladder"] = ladder
        return data


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("document"))
    body = forms.CharField(
        label=_("text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One paragraph per line."),
    )
    deadline = forms.DateField(
        label=_("reply by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_deadline(self):
        from oversight.core.forms import refuse_past_date

        from . import timing

        return refuse_past_date(self.cleaned_data["deadline"], today=timing.today())

    def __init__(self, *args, **kwargs):
        from oversight.documents.models import DocType

        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = DocType.choices
