using System.Globalization;

namespace DouyinEtl.Warehouse;

/// <summary>A Beijing calendar month: what one partition holds.</summary>
internal readonly record struct BeijingMonth(int Year, int Month) : IComparable<BeijingMonth>
{
    public static BeijingMonth Of(DateOnly day) => new(day.Year, day.Month);

    public DateOnly FirstDay => new(Year, Month, 1);

    public BeijingMonth Plus(int months) => Of(FirstDay.AddMonths(months));

    public int CompareTo(BeijingMonth other) => FirstDay.CompareTo(other.FirstDay);

    public static bool operator <(BeijingMonth left, BeijingMonth right) => left.CompareTo(right) < 0;

    public static bool operator >(BeijingMonth left, BeijingMonth right) => left.CompareTo(right) > 0;

    public static bool operator <=(BeijingMonth left, BeijingMonth right) => left.CompareTo(right) <= 0;

    public static bool operator >=(BeijingMonth left, BeijingMonth right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}

/// <summary>
/// A douyin table partitioned by Beijing month (migrations/V090): its partitions live in schema <c>partitions</c>
/// as <c>&lt;table&gt;_yyyy_mm</c> plus <c>&lt;table&gt;_default</c>. A timestamptz key is cut at Beijing midnight of
/// the 1st (<c>+08</c>), a date key (already a Beijing day) at the 1st, so a Beijing day never spans two partitions.
/// </summary>
internal sealed record PartitionedTable(string Name, string KeyColumn, bool KeyIsInstant)
{
    public const string Schema = "douyin";

    public const string PartitionSchema = "partitions";

    /// <summary>Every table V090 partitions; a test holds this list to the database's catalog.</summary>
    public static IReadOnlyList<PartitionedTable> All { get; } =
    [
        new("item_metric_snapshot", "captured_hour", KeyIsInstant: true),
        new("item_analysis_fetch", "snapshot_day", KeyIsInstant: false),
        new("item_overview", "snapshot_day", KeyIsInstant: false),
        new("item_play_source", "snapshot_day", KeyIsInstant: false),
        new("item_search_keyword", "snapshot_day", KeyIsInstant: false),
        new("item_search_keyword_total", "snapshot_day", KeyIsInstant: false),
        new("item_watch_trend", "snapshot_day", KeyIsInstant: false),
        new("item_audience_portrait", "snapshot_day", KeyIsInstant: false),
        new("item_audience_others", "snapshot_day", KeyIsInstant: false),
        new("item_danmaku_distribution", "snapshot_day", KeyIsInstant: false),
        new("item_danmaku_hot_word", "snapshot_day", KeyIsInstant: false),
        new("item_danmaku_total", "snapshot_day", KeyIsInstant: false),
        new("item_export_row", "snapshot_day", KeyIsInstant: false),
        new("live_room_daily", "captured_day", KeyIsInstant: false),
        new("author_diagnosis", "data_day", KeyIsInstant: false),
    ];

    public string QualifiedName => $"{Schema}.{Name}";

    public string DefaultPartition => $"{PartitionSchema}.{Name}_default";

    public string PartitionName(BeijingMonth month) => string.Create(CultureInfo.InvariantCulture, $"{Name}_{month.Year:D4}_{month.Month:D2}");

    public string Partition(BeijingMonth month) => $"{PartitionSchema}.{PartitionName(month)}";

    /// <summary>The month a partition of this table holds, from its name; null for the DEFAULT or a name not ours.</summary>
    public BeijingMonth? MonthOf(string partitionName)
    {
        var prefix = Name + "_";
        if (!partitionName.StartsWith(prefix, StringComparison.Ordinal) || partitionName.Length != prefix.Length + 7 || partitionName[prefix.Length + 4] != '_')
        {
            return null;
        }

        return int.TryParse(partitionName.AsSpan(prefix.Length, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
               && int.TryParse(partitionName.AsSpan(prefix.Length + 5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
               && year >= 1 && month is >= 1 and <= 12
            ? new BeijingMonth(year, month)
            : null;
    }

    /// <summary>
    /// The month's lower bound as a SQL literal: Beijing midnight of the 1st for an instant, the 1st for a day. Read in
    /// a session with TimeZone Asia/Shanghai and DateStyle ISO, PostgreSQL prints a bound back exactly like this.
    /// </summary>
    public string Bound(BeijingMonth month) =>
        KeyIsInstant
            ? month.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+08"
            : month.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The partition bound of <paramref name="month"/> as <c>pg_get_expr(relpartbound)</c> prints it (see <see cref="Bound"/>).</summary>
    public string BoundClause(BeijingMonth month) => $"FOR VALUES FROM ('{Bound(month)}') TO ('{Bound(month.Plus(1))}')";

    /// <summary>The SQL expression giving the first day of the Beijing month of the key column (for rows found in the DEFAULT).</summary>
    public string MonthOfKeySql => KeyIsInstant
        ? $"date_trunc('month', {KeyColumn} AT TIME ZONE 'Asia/Shanghai')::date"
        : $"date_trunc('month', {KeyColumn})::date";
}
