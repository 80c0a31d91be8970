-- V011: Chinese and English names for the codes the per-item analytics carry (traffic sources, apps, watch-trend
-- types and series, portrait dimensions and buckets incl. active periods, search-word lists, audience kinds, bullet
-- sentiment), so analysts join a label table instead of decoding codes. Codes are stored in the data exactly as
-- served; a code missing here still lands (left join).

CREATE TABLE douyin.traffic_source_label (
    source  text PRIMARY KEY,
    name_zh text NOT NULL,
    name_en text NOT NULL
);
COMMENT ON TABLE douyin.traffic_source_label IS 'Names of traffic sources (流量来源渠道) in douyin.item_play_source.source. Static, from the creator center''s page.';
COMMENT ON COLUMN douyin.traffic_source_label.source IS 'Source code as served, e.g. homepage_hot.';
COMMENT ON COLUMN douyin.traffic_source_label.name_zh IS 'Chinese name as the creator center shows it (中文名称).';
COMMENT ON COLUMN douyin.traffic_source_label.name_en IS 'English name.';
INSERT INTO douyin.traffic_source_label (source, name_zh, name_en) VALUES
    ('homepage_hot', '推荐页', 'Recommended feed'),
    ('familiar', '朋友页', 'Friends feed'),
    ('search', '搜索', 'Search'),
    ('homepage', '个人主页', 'Profile page'),
    ('follow', '关注页', 'Following feed'),
    ('message', '消息页', 'Messages'),
    ('fresh', '同城页', 'Nearby feed'),
    ('compilation', '合集', 'Compilation'),
    ('order', '电商', 'E-commerce'),
    ('other', '其他', 'Other'),
    ('yumme_vv_all', '抖音精选', 'Douyin Jingxuan (all plays)'),
    ('self_profile_vv_all', '自己主页', 'Own profile (all plays)'),
    ('other_profile_vv_all', '他人主页', 'Other profiles (all plays)');

CREATE TABLE douyin.traffic_app_label (
    app_id  integer PRIMARY KEY,
    name_zh text NOT NULL,
    name_en text NOT NULL
);
COMMENT ON TABLE douyin.traffic_app_label IS 'Names of the apps plays come from (应用), douyin.item_play_source.app_id. Static.';
COMMENT ON COLUMN douyin.traffic_app_label.app_id IS 'App id as served.';
COMMENT ON COLUMN douyin.traffic_app_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.traffic_app_label.name_en IS 'English name.';
INSERT INTO douyin.traffic_app_label (app_id, name_zh, name_en) VALUES
    (0, '未提供', 'Not served'),
    (1128, '抖音', 'Douyin'),
    (2329, '抖音精选', 'Douyin Jingxuan');

CREATE TABLE douyin.watch_trend_type_label (
    analysis_type smallint PRIMARY KEY,
    name_zh       text NOT NULL,
    name_en       text NOT NULL,
    applies_to    text NOT NULL
);
COMMENT ON TABLE douyin.watch_trend_type_label IS 'Watch-trend analysis types (观看趋势分析类型), douyin.item_watch_trend.analysis_type. Static. The worker fetches 1, 2 and 7 (videos); 3, 8 and 9 are the image-post equivalents.';
COMMENT ON COLUMN douyin.watch_trend_type_label.analysis_type IS 'analysis_type as sent to fetch_item_watch_trend.';
COMMENT ON COLUMN douyin.watch_trend_type_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.watch_trend_type_label.name_en IS 'English name.';
COMMENT ON COLUMN douyin.watch_trend_type_label.applies_to IS 'video or image_post (图文).';
INSERT INTO douyin.watch_trend_type_label (analysis_type, name_zh, name_en, applies_to) VALUES
    (1, '留存分析', 'Retention', 'video'),
    (2, '点赞分析', 'Likes', 'video'),
    (7, '跳出分析', 'Bounce', 'video'),
    (3, '留存分析（图文）', 'Retention (image post)', 'image_post'),
    (8, '点赞分析（图文）', 'Likes (image post)', 'image_post'),
    (9, '跳出分析（图文）', 'Bounce (image post)', 'image_post');

CREATE TABLE douyin.trend_series_label (
    series  text PRIMARY KEY,
    name_zh text NOT NULL,
    name_en text NOT NULL
);
COMMENT ON TABLE douyin.trend_series_label IS 'Series of the watch-trend and bullet curves (曲线), douyin.item_watch_trend.series and douyin.item_danmaku_distribution.series. Static.';
COMMENT ON COLUMN douyin.trend_series_label.series IS 'Series code as served.';
COMMENT ON COLUMN douyin.trend_series_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.trend_series_label.name_en IS 'English name.';
INSERT INTO douyin.trend_series_label (series, name_zh, name_en) VALUES
    ('current_item', '当前作品', 'This work'),
    ('similar_author', '同类作者均值', 'Similar creators (average)');

CREATE TABLE douyin.portrait_dimension_label (
    dimension text PRIMARY KEY,
    name_zh   text NOT NULL,
    name_en   text NOT NULL
);
COMMENT ON TABLE douyin.portrait_dimension_label IS 'Audience portrait dimensions (观众画像维度), douyin.item_audience_portrait.dimension. Static.';
COMMENT ON COLUMN douyin.portrait_dimension_label.dimension IS 'Dimension key as served.';
COMMENT ON COLUMN douyin.portrait_dimension_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.portrait_dimension_label.name_en IS 'English name.';
INSERT INTO douyin.portrait_dimension_label (dimension, name_zh, name_en) VALUES
    ('active', '活跃度', 'Activity level'),
    ('gender', '性别', 'Gender'),
    ('province', '省份', 'Province'),
    ('age', '年龄', 'Age'),
    ('city_level', '城市等级', 'City tier'),
    ('career', '职业', 'Occupation'),
    ('new_user', '新用户', 'New users');

CREATE TABLE douyin.portrait_bucket_label (
    dimension text NOT NULL,
    bucket    text NOT NULL,
    name_zh   text NOT NULL,
    name_en   text NOT NULL,
    sort      integer NOT NULL,
    note      text,
    PRIMARY KEY (dimension, bucket)
);
COMMENT ON TABLE douyin.portrait_bucket_label IS 'Audience portrait buckets (观众画像分组), douyin.item_audience_portrait (dimension, bucket), active periods included (dimension active). Static. Join on both columns.';
COMMENT ON COLUMN douyin.portrait_bucket_label.dimension IS 'Dimension key, as in douyin.portrait_dimension_label.';
COMMENT ON COLUMN douyin.portrait_bucket_label.bucket IS 'Bucket key as served.';
COMMENT ON COLUMN douyin.portrait_bucket_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.portrait_bucket_label.name_en IS 'English name.';
COMMENT ON COLUMN douyin.portrait_bucket_label.sort IS 'Natural order within the dimension (e.g. ages ascending), for charts.';
COMMENT ON COLUMN douyin.portrait_bucket_label.note IS 'Where sources disagree about a code''s meaning, what the other one says.';
INSERT INTO douyin.portrait_bucket_label (dimension, bucket, name_zh, name_en, sort, note) VALUES
    ('active', '4', '重度活跃', 'Heavy users', 1, 'TikHub''s docs read "4" as 晚上 (evening); the creator center''s page labels it 重度.'),
    ('active', '3', '中度活跃', 'Moderate users', 2, 'TikHub''s docs read "3" as 下午 (afternoon); the creator center''s page labels it 中度.'),
    ('active', '2', '轻度活跃', 'Light users', 3, 'TikHub''s docs read "2" as 上午 (morning); the creator center''s page labels it 轻度.'),
    ('active', '1', '低活跃', 'Low activity', 4, NULL),
    ('active', '-1', '未知', 'Unknown', 5, 'TikHub''s docs: 其他时段 (other times).'),
    ('gender', 'male', '男', 'Male', 1, NULL),
    ('gender', 'female', '女', 'Female', 2, NULL),
    ('age', '-18', '18岁以下', 'Under 18', 1, NULL),
    ('age', '18-23', '18-23岁', '18–23', 2, NULL),
    ('age', '24-30', '24-30岁', '24–30', 3, NULL),
    ('age', '31-40', '31-40岁', '31–40', 4, NULL),
    ('age', '41-50', '41-50岁', '41–50', 5, NULL),
    ('age', '50-', '50岁以上', 'Over 50', 6, NULL),
    ('city_level', '一线城市', '一线城市', 'Tier-1 city', 1, NULL),
    ('city_level', '新一线城市', '新一线城市', 'New tier-1 city', 2, NULL),
    ('city_level', '二线城市', '二线城市', 'Tier-2 city', 3, NULL),
    ('city_level', '三线城市', '三线城市', 'Tier-3 city', 4, NULL),
    ('city_level', '四线城市', '四线城市', 'Tier-4 city', 5, NULL),
    ('city_level', '五线城市', '五线城市', 'Tier-5 city', 6, NULL),
    ('province', '北京', '北京', 'Beijing', 1, NULL),
    ('province', '天津', '天津', 'Tianjin', 2, NULL),
    ('province', '河北', '河北', 'Hebei', 3, NULL),
    ('province', '山西', '山西', 'Shanxi', 4, NULL),
    ('province', '内蒙古', '内蒙古', 'Inner Mongolia', 5, NULL),
    ('province', '辽宁', '辽宁', 'Liaoning', 6, NULL),
    ('province', '吉林', '吉林', 'Jilin', 7, NULL),
    ('province', '黑龙江', '黑龙江', 'Heilongjiang', 8, NULL),
    ('province', '上海', '上海', 'Shanghai', 9, NULL),
    ('province', '江苏', '江苏', 'Jiangsu', 10, NULL),
    ('province', '浙江', '浙江', 'Zhejiang', 11, NULL),
    ('province', '安徽', '安徽', 'Anhui', 12, NULL),
    ('province', '福建', '福建', 'Fujian', 13, NULL),
    ('province', '江西', '江西', 'Jiangxi', 14, NULL),
    ('province', '山东', '山东', 'Shandong', 15, NULL),
    ('province', '河南', '河南', 'Henan', 16, NULL),
    ('province', '湖北', '湖北', 'Hubei', 17, NULL),
    ('province', '湖南', '湖南', 'Hunan', 18, NULL),
    ('province', '广东', '广东', 'Guangdong', 19, NULL),
    ('province', '广西', '广西', 'Guangxi', 20, NULL),
    ('province', '海南', '海南', 'Hainan', 21, NULL),
    ('province', '重庆', '重庆', 'Chongqing', 22, NULL),
    ('province', '四川', '四川', 'Sichuan', 23, NULL),
    ('province', '贵州', '贵州', 'Guizhou', 24, NULL),
    ('province', '云南', '云南', 'Yunnan', 25, NULL),
    ('province', '西藏', '西藏', 'Tibet', 26, NULL),
    ('province', '陕西', '陕西', 'Shaanxi', 27, NULL),
    ('province', '甘肃', '甘肃', 'Gansu', 28, NULL),
    ('province', '青海', '青海', 'Qinghai', 29, NULL),
    ('province', '宁夏', '宁夏', 'Ningxia', 30, NULL),
    ('province', '新疆', '新疆', 'Xinjiang', 31, NULL),
    ('province', '台湾', '台湾', 'Taiwan', 32, NULL),
    ('province', '香港', '香港', 'Hong Kong', 33, NULL),
    ('province', '澳门', '澳门', 'Macao', 34, NULL);

CREATE VIEW douyin.active_period_label AS
    SELECT bucket AS active_key, name_zh, name_en, sort, note
    FROM douyin.portrait_bucket_label
    WHERE dimension = 'active';
COMMENT ON VIEW douyin.active_period_label IS 'Active periods / activity levels (活跃度) of douyin.item_audience_portrait rows with dimension = ''active''; the same rows as douyin.portrait_bucket_label.';
COMMENT ON COLUMN douyin.active_period_label.active_key IS 'Bucket key as served ("4", "3", "2", "1", "-1").';
COMMENT ON COLUMN douyin.active_period_label.name_zh IS 'Chinese name as the creator center''s page shows it (中文名称).';
COMMENT ON COLUMN douyin.active_period_label.name_en IS 'English name.';
COMMENT ON COLUMN douyin.active_period_label.sort IS 'Order, heaviest first.';
COMMENT ON COLUMN douyin.active_period_label.note IS 'What TikHub''s docs say instead (time of day).';

CREATE TABLE douyin.search_keyword_list_label (
    list    text PRIMARY KEY,
    name_zh text NOT NULL,
    name_en text NOT NULL
);
COMMENT ON TABLE douyin.search_keyword_list_label IS 'Search-word lists (搜索词类型), douyin.item_search_keyword.list. Static.';
COMMENT ON COLUMN douyin.search_keyword_list_label.list IS 'List code.';
COMMENT ON COLUMN douyin.search_keyword_list_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.search_keyword_list_label.name_en IS 'English name.';
INSERT INTO douyin.search_keyword_list_label (list, name_zh, name_en) VALUES
    ('show_from', '搜索进入词（用户通过这些词看到作品）', 'Search words that led to the work'),
    ('inspire_search', '看后搜（用户看完作品后常搜的词）', 'Words searched after watching');

CREATE TABLE douyin.audience_others_kind_label (
    kind    text PRIMARY KEY,
    name_zh text NOT NULL,
    name_en text NOT NULL
);
COMMENT ON TABLE douyin.audience_others_kind_label IS 'Kinds of rows in douyin.item_audience_others (观众其他数据类型). Static.';
COMMENT ON COLUMN douyin.audience_others_kind_label.kind IS 'Kind code.';
COMMENT ON COLUMN douyin.audience_others_kind_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.audience_others_kind_label.name_en IS 'English name.';
INSERT INTO douyin.audience_others_kind_label (kind, name_zh, name_en) VALUES
    ('fan_share', '粉丝占比（"1" 粉丝, "0" 非粉丝）', 'Followers vs. non-followers ("1" followers, "0" others)'),
    ('interest_keyword', '受众关注词', 'Topics the audience follows'),
    ('preference', '观众偏好', 'Audience interest categories'),
    ('search_keyword', '观众常搜词（近7日）', 'Words the audience searched most (7 days)');

CREATE TABLE douyin.danmaku_sentiment_label (
    sentiment text PRIMARY KEY,
    name_zh   text NOT NULL,
    name_en   text NOT NULL
);
COMMENT ON TABLE douyin.danmaku_sentiment_label IS 'Sentiment of bullet hot words (弹幕情感倾向), douyin.item_danmaku_hot_word.sentiment. Static.';
COMMENT ON COLUMN douyin.danmaku_sentiment_label.sentiment IS 'Sentiment code as served.';
COMMENT ON COLUMN douyin.danmaku_sentiment_label.name_zh IS 'Chinese name (中文名称).';
COMMENT ON COLUMN douyin.danmaku_sentiment_label.name_en IS 'English name.';
INSERT INTO douyin.danmaku_sentiment_label (sentiment, name_zh, name_en) VALUES
    ('positive', '正面', 'Positive'),
    ('negative', '负面', 'Negative'),
    ('neutral', '中性', 'Neutral');
