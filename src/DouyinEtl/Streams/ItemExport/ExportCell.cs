using System.Globalization;
using ClosedXML.Excel;
using DouyinEtl.Json;
using DouyinEtl.Runs;

namespace DouyinEtl.Streams.ItemExport;

internal enum ExportCellKind
{
    Empty,
    Text,
    Number,
    Date,
    Duration,
    Boolean,
}

/// <summary>
/// One cell as the workbook holds it, before any meaning is given to it. <see cref="Text"/> is the text of a text cell
/// exactly, or ClosedXML's rendering of a number (which keeps only what a double holds: 15–17 significant digits).
/// </summary>
internal readonly record struct ExportCell(ExportCellKind Kind, string Text, double Number = 0, DateTime Date = default)
{
    /// <summary>2^53: above it a double no longer holds every integer, so a numeric cell there has lost digits.</summary>
    public const double ExactIntegerLimit = 9_007_199_254_740_992d;

    public static readonly ExportCell Empty = new(ExportCellKind.Empty, "");

    public static ExportCell OfText(string text) => new(ExportCellKind.Text, text);

    public static ExportCell OfNumber(double number) => new(ExportCellKind.Number, number.ToString("R", CultureInfo.InvariantCulture), number);

    public static ExportCell OfDate(DateTime date) => new(ExportCellKind.Date, date.ToString("yyyy-MM-dd HH:mm:ss.FFF", CultureInfo.InvariantCulture), Date: date);

    public static ExportCell OfDuration(TimeSpan duration) =>
        new(ExportCellKind.Duration, duration.ToString("c", CultureInfo.InvariantCulture), duration.TotalSeconds);

    public static ExportCell Read(IXLCell cell)
    {
        if (cell.IsEmpty())
        {
            return Empty;
        }

        // Typed getters only: GetString() would render dates in the current culture, and .Value guesses.
        return cell.DataType switch
        {
            XLDataType.Text => OfText(cell.GetString()),
            XLDataType.Number => OfNumber(cell.GetDouble()),
            XLDataType.DateTime => OfDate(cell.GetDateTime()),
            XLDataType.TimeSpan => OfDuration(cell.GetTimeSpan()),
            XLDataType.Boolean => new ExportCell(ExportCellKind.Boolean, cell.GetBoolean() ? "TRUE" : "FALSE"),
            _ => OfText(cell.GetString()),
        };
    }
}

/// <summary>How precisely a publish time was printed: the export may drop the seconds.</summary>
internal enum TimePrecision
{
    Second,
    Minute,
    Day,
}

/// <summary>A typed value read from a cell. Unreadable: present but not a value of that kind. Approximate: readable but rounded by the upstream ("1.2万").</summary>
internal readonly record struct CellValue<T>(T? Value, bool Unreadable = false, bool Approximate = false, string? Why = null)
    where T : struct
{
    public static CellValue<T> None => default;

    public static CellValue<T> Bad(string why) => new(null, Unreadable: true, Why: why);
}

/// <summary>
/// Gives export cells their meaning, in every format the real files carry: counts as numbers, "12,345", "1.2万" or
/// "-"; rates as fractions or "58.5%"; durations as seconds or "33.00s"; publish times as Excel dates or Beijing-time
/// text with or without seconds. Nothing is guessed: a value that does not fit is reported unreadable.
/// </summary>
internal static class ExportValues
{
    private static readonly string[] SecondFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd HH:mm:ss", "yyyy.MM.dd HH:mm:ss", "yyyy-M-d H:mm:ss", "yyyy/M/d H:mm:ss",
        "yyyy-MM-ddTHH:mm:ss", "yyyy年M月d日 HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFF",
    ];

    private static readonly string[] MinuteFormats =
    [
        "yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm", "yyyy.MM.dd HH:mm", "yyyy-M-d H:mm", "yyyy/M/d H:mm", "yyyy年M月d日 HH:mm",
    ];

    private static readonly string[] DayFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy.MM.dd", "yyyy/M/d", "yyyy-M-d", "yyyy年M月d日"];

    /// <summary>Excel serial dates of 1970-01-01 and 2100-01-01: a bare number outside them is no publish time.</summary>
    private const double FirstSerialDate = 25569;
    private const double LastSerialDate = 73051;

    public static CellValue<long> Count(ExportCell cell)
    {
        switch (cell.Kind)
        {
            case ExportCellKind.Empty:
                return CellValue<long>.None;
            case ExportCellKind.Number when Math.Abs(cell.Number) >= ExportCell.ExactIntegerLimit:
                return CellValue<long>.Bad("a number beyond double precision: its exact digits are lost in the file");
            case ExportCellKind.Number when cell.Number == Math.Floor(cell.Number):
                return new((long)cell.Number);
            case ExportCellKind.Text when JsonRead.IsPlaceholder(cell.Text):
                return CellValue<long>.None;
            case ExportCellKind.Text:
                var value = JsonRead.ParseDecimalText(cell.Text, allowPercent: false, out var ok);
                if (!ok || value is not { } number || number != decimal.Truncate(number) || number is > long.MaxValue or < long.MinValue)
                {
                    return CellValue<long>.Bad("not a count");
                }

                return new((long)number, Approximate: cell.Text.Trim() is [.., '万' or 'w' or 'W' or '亿']);
            default:
                return CellValue<long>.Bad("not a count");
        }
    }

    /// <summary>A fraction 0–1, from 0.585, "0.585" or "58.5%". A bare 58.5 is refused: it could be either.</summary>
    public static CellValue<decimal> Rate(ExportCell cell) =>
        Decimal(cell, "not a rate", units: "%", durationCell: false, v => v is >= 0 and <= 1, "a rate outside 0–1");

    /// <summary>Seconds, from 33.12, "33.00s", "33秒" or a time-formatted cell.</summary>
    public static CellValue<decimal> Seconds(ExportCell cell) =>
        Decimal(cell, "not a duration", units: "s秒", durationCell: true, v => v >= 0, "a negative duration");

    /// <summary>A number cell, or text of digits ending in one of <paramref name="units"/>, checked against its range.</summary>
    private static CellValue<decimal> Decimal(ExportCell cell, string what, string units, bool durationCell, Func<decimal, bool> inRange, string outOfRange)
    {
        decimal? value;
        switch (cell.Kind)
        {
            case ExportCellKind.Empty:
                return CellValue<decimal>.None;
            case ExportCellKind.Number:
            case ExportCellKind.Duration when durationCell:
                value = (decimal)cell.Number;
                break;
            case ExportCellKind.Text when JsonRead.IsPlaceholder(cell.Text):
                return CellValue<decimal>.None;
            case ExportCellKind.Text when cell.Text.Trim()[^1] is var last && (char.IsAsciiDigit(last) || units.Contains(last, StringComparison.Ordinal)):
                value = JsonRead.ParseDecimalText(cell.Text, allowPercent: units.Contains('%', StringComparison.Ordinal), out var ok);
                if (!ok)
                {
                    return CellValue<decimal>.Bad(what);
                }

                break;
            default:
                return CellValue<decimal>.Bad(what);
        }

        return inRange(value!.Value) ? new(value) : CellValue<decimal>.Bad(outOfRange);
    }

    /// <summary>
    /// The publish time as a UTC instant with its printed precision. The export prints Beijing wall-clock time, as an
    /// Excel date (kept to the second: serial dates carry float noise) or as text with or without seconds.
    /// </summary>
    public static (CellValue<DateTimeOffset> Time, TimePrecision Precision) PublishTime(ExportCell cell)
    {
        switch (cell.Kind)
        {
            case ExportCellKind.Empty:
                return (CellValue<DateTimeOffset>.None, TimePrecision.Second);
            case ExportCellKind.Date:
                return (new(Beijing(cell.Date)), TimePrecision.Second);
            case ExportCellKind.Number when cell.Number is >= FirstSerialDate and < LastSerialDate:
                return (new(Beijing(DateTime.FromOADate(cell.Number))), TimePrecision.Second);
            case ExportCellKind.Text:
                foreach (var (formats, precision) in new[] { (SecondFormats, TimePrecision.Second), (MinuteFormats, TimePrecision.Minute), (DayFormats, TimePrecision.Day) })
                {
                    if (DateTime.TryParseExact(cell.Text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var wallClock))
                    {
                        return (new(Beijing(wallClock)), precision);
                    }
                }

                return (CellValue<DateTimeOffset>.Bad("not a date and time"), TimePrecision.Second);
            default:
                return (CellValue<DateTimeOffset>.Bad("not a date and time"), TimePrecision.Second);
        }
    }

    /// <summary>Text as printed. A numeric cell is taken as ClosedXML renders it, which is exact only below 2^53.</summary>
    public static (string? Text, string? Why) Text(ExportCell cell) => cell.Kind switch
    {
        ExportCellKind.Empty => (null, null),
        ExportCellKind.Number when Math.Abs(cell.Number) >= ExportCell.ExactIntegerLimit => (cell.Text, "a number beyond double precision where text belongs: its exact digits are lost in the file"),
        _ => (cell.Text, null),
    };

    public static TimeSpan Width(this TimePrecision precision) => precision switch
    {
        TimePrecision.Minute => TimeSpan.FromMinutes(1),
        TimePrecision.Day => TimeSpan.FromDays(1),
        _ => TimeSpan.FromSeconds(1),
    };

    private static DateTimeOffset Beijing(DateTime wallClock)
    {
        var toSecond = new DateTime((wallClock.Ticks + (TimeSpan.TicksPerSecond / 2)) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond);
        return ShanghaiTime.FromLocal(toSecond);
    }
}
