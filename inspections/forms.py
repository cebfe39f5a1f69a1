"""Forms of the inspection and ledger pages. They validate and shape input; inspections/services.py writes."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from branches.choices import OrgStatus
from branches.models import Organization
from core.scoping import Action
from core.uploads import validate_upload

from . import selectors, services
from .choices import InspectionKind, ItemResult, MeasureStatus, Severity, TicketAction
from .models import ChecklistTemplate

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# What an inspector records for an item; "not checked" is where every item starts.
RECORDABLE_RESULTS = [(v, label) for v, label in ItemResult.choices if v != ItemResult.PENDING]


def org_label(org: Organization) -> str:
    return f"{org.name}（{org.code}）"


def inspectable_organizations(user):
    """Active organizations the user may inspect: the choices for organizing units, targets and tickets."""
    return (Organization.objects.visible_to(user, Action.INSPECT).filter(status=OrgStatus.ACTIVE)
            .order_by("path"))


def tenant_users(user):
    """Users of the caller's tenant (team members, responsible users, added inspectors)."""
    return User.objects.filter(tenant_id=user.tenant_id, is_active=True).order_by("full_name", "username")


def _user_label(user: User) -> str:
    return user.display_name if user.display_name == user.username else f"{user.display_name}（{user.username}）"


def _validated_upload(upload):
    if upload:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict.get("file", exc.messages)) from exc
    return upload


class InspectionForm(forms.Form):
    """A new inspection plan; the organizing unit and targets are among what the user may inspect."""

    kind = forms.ChoiceField(label=_("kind"), choices=InspectionKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    organization = forms.ModelChoiceField(label=_("organizing unit"), queryset=Organization.objects.none())
    starts_on = forms.DateField(label=_("starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("ends on"), widget=DATE_INPUT)
    review_from = forms.DateField(label=_("records reviewed from"), widget=DATE_INPUT)
    review_to = forms.DateField(label=_("records reviewed until"), widget=DATE_INPUT)
    template = forms.ModelChoiceField(label=_("checklist"), queryset=ChecklistTemplate.objects.none(),
                                      required=False, empty_label=_("No checklist (add items on each visit)"))
    team = forms.ModelMultipleChoiceField(label=_("team"), queryset=User.objects.none(), required=False)
    team_note = forms.CharField(label=_("team (names)"), max_length=300, required=False,
                                help_text=_("Members of the team who have no account here."))
    targets = forms.ModelMultipleChoiceField(label=_("organizations to inspect"),
                                             queryset=Organization.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = inspectable_organizations(user)
        self.fields["organization"].queryset = orgs
        self.fields["organization"].label_from_instance = org_label
        self.fields["targets"].queryset = orgs
        self.fields["team"].queryset = tenant_users(user)
        self.fields["team"].label_from_instance = _user_label
        self.fields["template"].queryset = ChecklistTemplate.objects.filter(tenant_id=user.tenant_id)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["targets"] = list(data["targets"])
        data["team"] = list(data["team"])
        return data


class CheckForm(forms.Form):
    """The result of one checklist item of a visit."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("result"), choices=RECORDABLE_RESULTS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("evidence"), required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))

    def clean_evidence(self):
        return _validated_upload(self.cleaned_data.get("evidence"))


class CheckItemAddForm(forms.Form):
    text = forms.CharField(label=_("check"), max_length=300)
    category_code = forms.ChoiceField(label=_("category"), required=False)

    def __init__(self, *args, tenant_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_code"].choices = [("", "---------")] + [
            (c.code, c.name) for c in selectors.categories(tenant_id=tenant_id)]


def default_deadline():
    return timezone.localdate() + timedelta(days=30)


class FileFromItemForm(forms.Form):
    """A failed checklist item becomes a ticket: only what the finding does not already say."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    deadline = forms.DateField(label=_("deadline"), widget=DATE_INPUT)
    responsible_person = forms.CharField(label=_("responsible person"), max_length=100)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    registered_supervision = forms.BooleanField(label=_("registered supervision"), required=False)


class TicketForm(forms.Form):
    """A ticket filed directly (not from a checklist item), with its first measures."""

    organization = forms.ModelChoiceField(label=_("responsible organization"), queryset=Organization.objects.none())
    problem = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(label=_("category"), queryset=None)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    source = forms.CharField(label=_("source"), max_length=200, required=False,
                             help_text=_("For example the inspection or the report the problem came from."))
    responsible_person = forms.CharField(label=_("responsible person"), max_length=100)
    responsible_user = forms.ModelChoiceField(label=_("responsible user"), queryset=User.objects.none(),
                                              required=False,
                                              help_text=_("The account that receives reminders, if any."))
    deadline = forms.DateField(label=_("deadline"), widget=DATE_INPUT)
    registered_supervision = forms.BooleanField(label=_("registered supervision"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = inspectable_organizations(user)
        self.fields["organization"].label_from_instance = org_label
        self.fields["category"].queryset = selectors.categories(tenant_id=user.tenant_id)
        self.fields["responsible_user"].queryset = tenant_users(user)
        self.fields["responsible_user"].label_from_instance = _user_label


class MeasureForm(forms.Form):
    description = forms.CharField(label=_("measure"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("owner"), max_length=100, required=False)
    due_on = forms.DateField(label=_("due on"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if (data.get("owner") or data.get("due_on")) and not (data.get("description") or "").strip():
            raise forms.ValidationError(_("Describe the measure, or leave the whole row empty."))
        return data


class BaseMeasureFormSet(forms.BaseFormSet):
    @property
    def entries(self) -> list[services.MeasureEntry]:
        return [services.MeasureEntry(f.cleaned_data["description"].strip(), f.cleaned_data.get("owner", ""),
                                      f.cleaned_data.get("due_on"))
                for f in self.forms if (f.cleaned_data.get("description") or "").strip()]


MeasureFormSet = forms.formset_factory(MeasureForm, formset=BaseMeasureFormSet, extra=3, max_num=20)


class MeasureAddForm(MeasureForm):
    description = forms.CharField(label=_("measure"), widget=forms.Textarea(attrs={"rows": 2}))


class MeasureStatusForm(forms.Form):
    measure = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("status"), choices=MeasureStatus.choices)


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=TicketAction.choices)
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    completion = forms.CharField(label=_("completion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("evidence file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))


class InspectorForm(forms.Form):
    user = forms.ModelChoiceField(label=_("inspector"), queryset=User.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = tenant_users(user)
        self.fields["user"].label_from_instance = _user_label


class SupervisionForm(forms.Form):
    registered = forms.BooleanField(required=False)
