namespace DouyinEtl.Runs;

/// <summary>An optional date range from the command line (Asia/Shanghai days, inclusive); streams use their defaults when unset.</summary>
internal sealed record RunPeriod(DateOnly? From, DateOnly? To)
{
    public static readonly RunPeriod Default = new(null, null);
}
