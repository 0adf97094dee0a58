"""makemessages without guessed translations: a new source string stays untranslated until someone translates it,
instead of borrowing the translation of a similar string (msgmerge's fuzzy matching gave wrong Chinese)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
