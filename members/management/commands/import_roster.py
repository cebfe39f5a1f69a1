"""Import a member roster (.xlsx) as a given user, with that user's scope: the operator's way in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members import roster


class Command(BaseCommand):
    help = "Import a member roster (.xlsx) as USERNAME; all rows or none. Exits non-zero on errors."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .xlsx roster")
        parser.add_argument("--user", required=True, dest="username",
                            help="import with this user's scope (the branches they may change)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row and roll back: nothing is written")

    def handle(self, *args, file, username, dry_run, **options):
        User = get_user_model()
        try:
            actor = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(_("No active user named %(name)s.") % {"name": username}) from exc
        try:
            handle = open(file, "rb")  # closed by the with block below
        except OSError as exc:
            raise CommandError(_("Cannot open %(path)s: %(reason)s") % {"path": file, "reason": exc.strerror}) from exc
        with handle:
            result = roster.import_roster(actor=actor, file=handle, dry_run=dry_run)
        if result.errors:
            for error in result.errors:
                self.stderr.write(_format(error))
            raise CommandError(result.summary)
        self.stdout.write(self.style.SUCCESS(result.summary))


def _format(error: roster.RowError) -> str:
    if error.row == roster.FILE_ROW:
        return error.message
    if not error.column:
        return _("Row %(row)d: %(message)s") % {"row": error.row, "message": error.message}
    return _("Row %(row)d, column %(column)s: %(message)s") % {
        "row": error.row, "column": error.column, "message": error.message,
    }
