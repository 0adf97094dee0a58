"""The 长辈版 (elder mode): larger text, larger targets, stronger contrast and simpler layouts for older residents.

A visitor chooses it with the 长辈版 / 标准版 link in every page's header (`views.switch_display`); the choice is a
cookie, like the language, so it works without JavaScript and without an account. Templates see `elder_mode`
(context_processors.display_mode) and the page's <html> carries the class `elder`, on which static/css/site.css
hangs the whole elder style. The page cache (pagecache.py) keeps the two versions of a page apart.
"""

from django.conf import settings

ELDER = "elder"
STANDARD = "standard"
MODES = (ELDER, STANDARD)


def is_elder_mode(request):
    return request.COOKIES.get(settings.DISPLAY_MODE_COOKIE_NAME) == ELDER


def mode_of(request):
    return ELDER if is_elder_mode(request) else STANDARD
