using System.Globalization;
using DouyinEtl.Runs;
using DouyinEtl.Sync;

namespace DouyinEtl.Streams.ItemList;

/// <summary>
/// A publish-time window [Start, End) in Asia/Shanghai. Windows are whole calendar months, so their keys stay the same
/// from run to run; a month holding more than the upstream's 1000 works is split into halves, recursively.
/// </summary>
internal sealed record PublishWindow(DateTimeOffset Start, DateTimeOffset End) : ISplittableWindow<PublishWindow>
{
    public string Key =>
        $"{Start.ToOffset(ShanghaiTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}.." +
        $"{End.ToOffset(ShanghaiTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}";

    /// <summary>Halves too short to split further would mean thousands of works in one minute: treated as an upstream fault.</summary>
    public bool CanSplit => End - Start >= TimeSpan.FromMinutes(2);

    public (PublishWindow Newer, PublishWindow Older) Split()
    {
        var halfMinutes = Math.Floor((End - Start).TotalMinutes / 2);
        var middle = Start.AddMinutes(halfMinutes);
        return (new PublishWindow(middle, End), new PublishWindow(Start, middle));
    }

    /// <summary>The calendar months (Asia/Shanghai) that cover <paramref name="first"/>..<paramref name="last"/>, newest first.</summary>
    public static IEnumerable<PublishWindow> Months(DateOnly first, DateOnly last)
    {
        var month = new DateOnly(last.Year, last.Month, 1);
        var stop = new DateOnly(first.Year, first.Month, 1);
        while (month >= stop)
        {
            yield return new PublishWindow(ShanghaiTime.StartOfDay(month), ShanghaiTime.StartOfDay(month.AddMonths(1)));
            month = month.AddMonths(-1);
        }
    }
}
