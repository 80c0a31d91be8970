namespace DouyinEtl.Testing;

/// <summary>A row of douyin.author_diagnosis as the end-to-end checks compare it with the sandbox's truth.</summary>
internal sealed record DiagnosisInWarehouse(
    string AccountId,
    DateTime DataDay,
    string Dimension,
    decimal? OwnValue,
    long? SimilarCount,
    decimal? AuthorRank,
    decimal? SimilarRank,
    decimal? SimilarValue);
