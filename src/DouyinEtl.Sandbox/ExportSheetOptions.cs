namespace DouyinEtl.Sandbox;

/// <summary>What <c>fetch_item_list_download</c> sends an account instead of a plain workbook.</summary>
public enum ExportAnswer
{
    /// <summary>The real file: one sheet, the 16 official headers in their order.</summary>
    Workbook,

    /// <summary>HTTP 200 with TikHub's JSON envelope carrying the creator center's error instead of a file.</summary>
    ErrorEnvelope,

    /// <summary>The header row and no works.</summary>
    EmptySheet,

    /// <summary>The first half of the workbook's bytes: a zip that starts right and ends nowhere.</summary>
    Corrupt,

    /// <summary>The 16 columns in another order.</summary>
    ColumnsReordered,

    /// <summary>The 16 columns plus columns the worker does not know.</summary>
    ExtraColumns,

    /// <summary>No 发布时间 column: the rows cannot be matched to works.</summary>
    MissingPublishTimeColumn,

    /// <summary>No 播放量 column: the rows can still be matched, their views are unknown.</summary>
    MissingViewsColumn,
}

/// <summary>How 发布时间 is written: as an Excel date or as Beijing-time text, with or without seconds.</summary>
public enum ExportTimeFormat
{
    ExcelDate,
    TextSeconds,
    TextMinutes,

    /// <summary>Each row picks one of the three.</summary>
    Mixed,
}

public sealed class ExportSheetOptions
{
    /// <summary>Account id → answer; accounts not listed get <see cref="ExportAnswer.Workbook"/>.</summary>
    public Dictionary<string, ExportAnswer> Answers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Forces one 发布时间 format in every file; null lets each file pick (real-world variant).</summary>
    public ExportTimeFormat? PublishTimeFormat { get; set; }

    /// <summary>"最多导出前1000条": a window holding more works gets only the newest this many, silently.</summary>
    public int MaxRows { get; set; } = 1000;
}
