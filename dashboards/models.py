"""Summary tables behind the dashboards, kept current by the services that change the records.

``OwnCounter`` holds what one organization contributes by itself (its requirement slots and how many
are done, its meetings and attendance, its members by month of last organizational life, its term).
``SubtreeCounter`` holds the same metrics summed over an organization's whole subtree. A change to
an organization's own counters is applied as a delta to its subtree row and to every ancestor's, so a
dashboard reads one row per child organization and metric, whatever the size of the subtree.
"""

from django.db import models

from core.scoping import TenantModel


class OwnCounter(TenantModel):
    organization = models.ForeignKey("branches.Organization", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=60)
    bucket = models.CharField(max_length=20)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "metric", "bucket"], name="own_counter_key")]


class SubtreeCounter(TenantModel):
    organization = models.ForeignKey("branches.Organization", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=60)
    bucket = models.CharField(max_length=20)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "metric", "bucket"],
                                               name="subtree_counter_key")]
        indexes = [models.Index(fields=["organization", "metric"], name="subtree_counter_lookup")]
