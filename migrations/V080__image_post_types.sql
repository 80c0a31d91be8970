-- V080: creator types 6 and 7 are image posts too. The creator center's own code maps [1, 6, 7] to image-text
-- (RESEARCH §2.2, DDR `contentType`), and 8 is the long article (长图文): none of them has a video timeline, so
-- item-analytics asks watch trend and bullets only of the video types (creator_type_label.is_video). The real
-- difference between 1, 6 and 7 is not documented anywhere we found; the names say so.

INSERT INTO douyin.creator_type_label (creator_type, name_zh, name_en, is_video) VALUES
    (6, '图文', 'Image post (code 6)', false),
    (7, '图文', 'Image post (code 7)', false);

COMMENT ON COLUMN douyin.item.creator_type IS 'The creator center''s item type (作品类型): 1, 6, 7 图文 (image posts), 2 <1 min video, 3 1–3 min, 4 3–5 min, 5 5 min+, 8 长图文; see douyin.creator_type_label.';
COMMENT ON COLUMN douyin.creator_type_label.is_video IS 'True for videos (视频), false for image posts and long articles (图文/长图文). item-analytics asks watch trend and bullets only of works whose type is a video here.';
