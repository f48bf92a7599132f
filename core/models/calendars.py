"""Business calendars: the opening hours SLA clocks count in."""

import datetime as dt
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models

from core.models.base import TimestampedModel, VersionedModel


class HolidayRegion(models.TextChoices):
    """UK bank-holiday regions known to the `holidays` package."""

    ENGLAND_AND_WALES = "ENG", "England and Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"


class Weekday(models.IntegerChoices):
    """Days of the week, Monday first as in `datetime.weekday()`."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class BusinessCalendar(VersionedModel, TimestampedModel):
    """Weekly opening hours, bank-holiday region and closures that business time counts in."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="Europe/London")
    holiday_region = models.CharField(
        max_length=3,
        choices=HolidayRegion.choices,
        blank=True,
        default=HolidayRegion.ENGLAND_AND_WALES,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a time zone that zoneinfo does not know."""
        if self.timezone not in available_timezones():
            raise ValidationError({"timezone": f"Unknown time zone {self.timezone!r}."})

    def spec(self):
        """The pure CalendarSpec of this calendar, for the functions in core.calendars."""
        from core.calendars import CalendarSpec

        weekly: dict[int, list[tuple[dt.time, dt.time]]] = {day: [] for day in range(7)}
        for hours in self.hours.all():
            weekly[hours.weekday].append((hours.opens, hours.closes))
        return CalendarSpec(
            weekly_hours={day: tuple(sorted(spans)) for day, spans in weekly.items()},
            holiday_region=self.holiday_region or None,
            closures=frozenset(self.closures.values_list("date", flat=True)),
            tz=self.timezone,
        )

    def describe_hours(self) -> list[tuple[str, str]]:
        """Opening hours per weekday as (day, "08:00–18:00") for display; closed days say so."""
        spans: dict[int, list[str]] = {day: [] for day in range(7)}
        for hours in self.hours.all():
            closes = "24:00" if hours.closes == dt.time(0) else hours.closes.strftime("%H:%M")
            spans[hours.weekday].append(f"{hours.opens:%H:%M}–{closes}")
        return [(Weekday(day).label, ", ".join(spans[day]) or "closed") for day in range(7)]


class OpeningHours(models.Model):
    """One open interval of a calendar on a weekday; 00:00 as closing time means midnight."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["calendar", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "weekday", "opens"], name="opening_hours_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        """Refuse an interval that closes before it opens (other than at midnight)."""
        if self.closes != dt.time(0) and self.closes <= self.opens:
            raise ValidationError("Closing time must be after opening time (00:00 means midnight).")


class CalendarClosure(models.Model):
    """A day the calendar is closed besides bank holidays (e.g. a council closure day)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    reason = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="closure_unique_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.reason}".strip()
