"""Forms of the member pages. They validate and shape input; members/services.py writes."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from branches.choices import OrgKind, OrgStatus
from branches.models import Organization
from core.scoping import Action

from .models import Member
from .validators import birth_date_from_national_id, normalize_national_id, normalize_phone

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.ModelForm):
    """A member's record. National ID and phone are never prefilled: on edit, blank keeps the stored value."""

    national_id = forms.CharField(
        label=_("national ID number"), max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label=_("phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    clear_phone = forms.BooleanField(label=_("Remove the stored phone number"), required=False)

    class Meta:
        model = Member
        fields = ["organization", "group", "name", "gender", "ethnicity", "birth_date", "education", "employer",
                  "post", "joined_on", "full_member_on", "status", "is_mobile", "mobile_location", "lost_contact"]
        widgets = {"birth_date": DATE_INPUT, "joined_on": DATE_INPUT, "full_member_on": DATE_INPUT}
        help_texts = {"birth_date": _("Leave blank to take it from the national ID number.")}

    field_order = ["organization", "group", "name", "gender", "national_id", "phone", "clear_phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = bool(self.instance.pk)
        # Only branches and groups the user may change: nobody can place a member elsewhere by id.
        writable = Organization.objects.visible_to(user, Action.CHANGE).filter(status=OrgStatus.ACTIVE)
        self.fields["organization"].queryset = writable.filter(kind=OrgKind.BRANCH).order_by("path")
        self.fields["group"].queryset = writable.filter(kind=OrgKind.GROUP).order_by("path")
        self.fields["organization"].label_from_instance = self.fields["group"].label_from_instance = (
            lambda org: f"{org.name}（{org.code}）"
        )
        if self.editing:
            self.fields["national_id"].required = False
            self.fields["national_id"].help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {
                "masked": self.instance.national_id_masked}
            self.fields["phone"].help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {
                "masked": self.instance.phone_masked or "—"}
        else:
            del self.fields["clear_phone"]

    def clean_national_id(self):
        value = self.cleaned_data.get("national_id", "")
        if self.editing and not value.strip():
            return ""
        return normalize_national_id(value)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def service_fields(self) -> dict:
        """The cleaned data as the service's keyword arguments; blank ID and phone on edit mean unchanged."""
        data = dict(self.cleaned_data)
        clear_phone = data.pop("clear_phone", False)
        if self.editing:
            if not data["national_id"]:
                del data["national_id"]
                if not data.get("birth_date"):
                    data["birth_date"] = birth_date_from_national_id(self.instance.national_id)
            if clear_phone:
                data["phone"] = ""
            elif not data["phone"]:
                del data["phone"]
        return data


class MemberRemoveForm(forms.Form):
    """Confirmation only."""


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("roster file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel file (.xlsx)."))
        if upload.size > settings.ROSTER_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most %(mb)d MB).")
                                        % {"mb": settings.ROSTER_IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload
