# Django ships no Haitian Creole month names, so a written-out date would show English
# ones on a Kreyòl page. Haiti writes dates day/month/year.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
