"""Forms of the organization pages. They validate and shape input; the services in services.py write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CommitteePost, OrgKind
from .models import Organization

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ORGANIZATION_FIELDS = ["name", "short_name", "code", "category", "established_on", "term_start", "term_end",
                       "theme_day"]


class OrganizationForm(forms.ModelForm):
    """An organization's own fields; the parent changes only by a move and the kind never."""

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS
        widgets = {"established_on": DATE_INPUT, "term_start": DATE_INPUT, "term_end": DATE_INPUT}
        help_texts = {"term_end": _("Leave blank to use the default term length.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == OrgKind.GROUP:  # Party groups hold no elections and have no term
            del self.fields["term_start"], self.fields["term_end"], self.fields["theme_day"]


class OrganizationCreateForm(OrganizationForm):
    """A new child of a given organization; ``kinds`` are the kinds this user may create there."""

    class Meta(OrganizationForm.Meta):
        fields = ["kind", *ORGANIZATION_FIELDS]

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, OrgKind(kind).label) for kind in kinds]


class OrganizationMoveForm(forms.Form):
    parent = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("new parent organization"))

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda org: f"{org.name}（{org.code}）"


class ElectionForm(forms.Form):
    held_on = forms.DateField(label=_("date held"), widget=DATE_INPUT)
    approved_by = forms.CharField(label=_("approved by"), max_length=200, required=False)
    term_years = forms.IntegerField(
        label=_("term length (years)"), min_value=1, max_value=10, required=False,
        help_text=_("Leave blank for the default term length."),
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("An election cannot be recorded before it is held."))
        return held_on


class ElectionPostForm(forms.Form):
    """One row of the new committee: a member of the organization and the post they hold."""

    member = forms.ModelChoiceField(queryset=None, label=_("member"), required=False)
    post = forms.ChoiceField(label=_("post"), choices=[("", "---------"), *CommitteePost.choices], required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) != bool(data.get("post")):
            raise forms.ValidationError(_("Choose both the member and the post, or neither."))
        return data


class BaseElectionPostFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            member = form.cleaned_data.get("member")
            if member is None:
                continue
            if member.pk in seen:
                raise forms.ValidationError(_("A member is listed twice."))
            seen.add(member.pk)

    @property
    def posts(self) -> list[tuple]:
        return [(f.cleaned_data["member"], f.cleaned_data["post"]) for f in self.forms
                if f.cleaned_data.get("member")]


ElectionPostFormSet = forms.formset_factory(ElectionPostForm, formset=BaseElectionPostFormSet, extra=7, max_num=15)
