from celery import shared_task

from branches.models import Tenant

from . import stats


@shared_task
def reconcile_all_tenants():
    for tenant_id in Tenant.objects.filter(is_active=True).values_list("pk", flat=True):
        reconcile_tenant.delay(tenant_id)


@shared_task(acks_late=True)
def reconcile_tenant(tenant_id: int):
    return stats.reconcile(tenant_id)
