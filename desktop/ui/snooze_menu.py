"""Snooze choices (later today, tomorrow morning, next week, a chosen time) and the
date-time picker for the last one."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, Signal
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

MORNING_HOUR = 8
LATER_HOURS = 3  # "later today": three hours from now, on the hour


def later_today(now: datetime) -> datetime | None:
    """Three hours on, rounded up to the hour; None when that is no longer today."""
    when = (now + timedelta(hours=LATER_HOURS)).replace(minute=0, second=0, microsecond=0)
    if when < now + timedelta(hours=LATER_HOURS):
        when += timedelta(hours=1)
    return when if when.date() == now.date() else None


def tomorrow_morning(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=MORNING_HOUR, minute=0, second=0, microsecond=0)


def next_week(now: datetime) -> datetime:
    """Next Monday morning."""
    days = 7 - now.weekday()
    return (now + timedelta(days=days)).replace(hour=MORNING_HOUR, minute=0, second=0, microsecond=0)


def choices(now: datetime | None = None) -> list[tuple[str, datetime]]:
    """(label, local time) for the snooze menu, soonest first."""
    now = now or datetime.now().astimezone()
    out: list[tuple[str, datetime]] = []
    later = later_today(now)
    if later is not None:
        out.append((QCoreApplication.translate("Snooze", "Later today"), later))
    out.append((QCoreApplication.translate("Snooze", "Tomorrow morning"), tomorrow_morning(now)))
    out.append((QCoreApplication.translate("Snooze", "Next week"), next_week(now)))
    return out


def when_text(when: datetime, now: datetime | None = None) -> str:
    """Short, as a menu shows it: "17:00", "Tue 08:00", or "12/7 08:00" further away."""
    now = now or datetime.now().astimezone()
    locale = QLocale()
    clock = locale.toString(QTime(when.hour, when.minute), QLocale.FormatType.ShortFormat)
    if when.date() == now.date():
        return clock
    if when.date() - now.date() < timedelta(days=7):
        return f"{locale.dayName(when.isoweekday(), QLocale.FormatType.ShortFormat)} {clock}"
    date = locale.toString(QDate(when.year, when.month, when.day), QLocale.FormatType.ShortFormat)
    return f"{date} {clock}"


class SnoozeDialog(QDialog):
    """Pick a date and time; OK snoozes until then."""

    chosen = Signal(float)  # epoch seconds

    def __init__(self, parent: QWidget | None = None, now: datetime | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Snooze", "Snooze until"))
        now = now or datetime.now().astimezone()
        self.picker = QDateTimeEdit(QDateTime(tomorrow_morning(now)))
        self.picker.setCalendarPopup(True)
        self.picker.setMinimumDateTime(QDateTime(now))
        self.picker.setAccessibleName(QCoreApplication.translate("Snooze", "Date and time"))
        label = QLabel(QCoreApplication.translate("Snooze", "Bring it back unread at:"))
        label.setBuddy(self.picker)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.picker)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self.chosen.emit(self.picker.dateTime().toSecsSinceEpoch())
        super().accept()
