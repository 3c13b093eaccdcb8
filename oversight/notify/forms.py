"""The form of a person's notification settings: one checkbox per kind and channel."""

from __future__ import annotations

from django import forms


def field_name(kind_code: str, channel_code: str) -> str:
    return f"{kind_code}|{channel_code}"


class PreferencesForm(forms.Form):
    """Built from ``selectors.preference_matrix``; ``choices()`` gives what services store."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            for channel, enabled, _default in row.cells:
                name = field_name(row.kind.code, channel.code)
                self.fields[name] = forms.BooleanField(
                    label=f"{row.kind.label} · {channel.label}", required=False, initial=enabled
                )

    def table(self):
        """Rows for the template: (kind, [(channel, bound checkbox, default)])."""
        return [
            (
                row.kind,
                [
                    (channel, self[field_name(row.kind.code, channel.code)], default)
                    for channel, _enabled, default in row.cells
                ],
            )
            for row in self.rows
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        return {tuple(name.split("|", 1)): value for name, value in self.cleaned_data.items()}
