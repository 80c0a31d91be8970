namespace DouyinEtl.Upstream;

/// <summary>The 14 operations of TikHub's Douyin Creator V2 API, all <c>POST {BaseUrl}/api/v1/douyin/creator_v2/{name}</c>.</summary>
internal static class UpstreamEndpoints
{
    public const string PathPrefix = "/api/v1/douyin/creator_v2/";

    public const string ItemList = "fetch_item_list";
    public const string ItemListDownload = "fetch_item_list_download";
    public const string ItemOverviewData = "fetch_item_overview_data";
    public const string ItemPlaySource = "fetch_item_play_source";
    public const string ItemSearchKeyword = "fetch_item_search_keyword";
    public const string ItemWatchTrend = "fetch_item_watch_trend";
    public const string ItemAudiencePortrait = "fetch_item_audience_portrait";
    public const string ItemAudienceOthers = "fetch_item_audience_others";
    public const string ItemDanmakuAnalysis = "fetch_item_danmaku_analysis";
    public const string AuthorDiagnosis = "fetch_author_diagnosis";
    public const string ItemAnalysisInvolvedVertical = "fetch_item_analysis_involved_vertical";
    public const string ItemAnalysisOverview = "fetch_item_analysis_overview";
    public const string ItemAnalysisItemPerformance = "fetch_item_analysis_item_performance";
    public const string LiveRoomHistoryList = "fetch_live_room_history_list";
}
