//! Serving originals: Range requests, content types, sandboxing, presigned redirects.

use reqwest::StatusCode;

use crate::helpers::{assert_error, header, run, sha256, test_bytes, Backends, TestApp, Tweaks};
use crate::matrix;

matrix!(range_requests, hostile_file_types_are_neutralised, media_before_upload_is_not_found);

async fn range_requests(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(2_000_000, 31);
    let video_id = ada.upload_file(&data, 700_000, &[("filename", "r.webm"), ("filetype", "video/webm")]).await;
    let path = format!("/api/videos/{video_id}/original");

    let whole = ada.get(&path).send().await.unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(header(&whole, "accept-ranges"), "bytes");
    assert_eq!(header(&whole, "content-type"), "video/webm");
    assert_eq!(header(&whole, "content-length"), data.len().to_string());
    assert_eq!(sha256(&whole.bytes().await.unwrap()), sha256(&data));

    for (range, start, end) in
        [("bytes=0-99", 0, 99), ("bytes=1999000-", 1_999_000, 1_999_999), ("bytes=-500", 1_999_500, 1_999_999)]
    {
        let part = ada.get(&path).header("Range", range).send().await.unwrap();
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(header(&part, "content-range"), format!("bytes {start}-{end}/{}", data.len()));
        assert_eq!(part.bytes().await.unwrap().to_vec(), data[start..=end].to_vec(), "{range}");
    }
    let beyond = ada.get(&path).header("Range", "bytes=5000000-").send().await.unwrap();
    assert_eq!(header(&beyond, "content-range"), format!("bytes */{}", data.len()));
    assert_error(beyond, StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable").await;

    let head = ada.request(reqwest::Method::HEAD, &path).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(header(&head, "content-length"), data.len().to_string());
}

async fn hostile_file_types_are_neutralised(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let page = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let video_id = ada.upload_file(&page, 1000, &[("filename", "evil.html"), ("filetype", "text/html")]).await;
    let response = ada.get(&format!("/api/videos/{video_id}/original")).send().await.unwrap();
    assert_eq!(header(&response, "content-type"), "application/octet-stream");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert!(header(&response, "content-security-policy").contains("sandbox"));
}

async fn media_before_upload_is_not_found(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let video = ada.create_video("nothing yet", "public").await;
    let response = ada.get(&format!("/api/videos/{}/original", video["id"].as_str().unwrap())).send().await.unwrap();
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

async fn presigned_redirect_serves_the_same_bytes(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let data = test_bytes(100_000, 8);
    let video_id = ada.upload_file(&data, 100_000, &[("filename", "p.mp4"), ("filetype", "video/mp4")]).await;
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // The video is private, so the redirect needs the owner's credentials first.
    let anon = no_redirects.get(app.url(&format!("/api/videos/{video_id}/original"))).send().await.unwrap();
    assert_eq!(anon.status(), StatusCode::NOT_FOUND);
    let response = ada.client.get(app.url(&format!("/api/videos/{video_id}/original"))).send().await.unwrap();
    // reqwest follows the redirect to the store; the bytes must be identical.
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.url().as_str().contains("X-Amz-Signature"), "served via presigned URL: {}", response.url());
    assert_eq!(header(&response, "content-type"), "video/mp4");
    assert_eq!(sha256(&response.bytes().await.unwrap()), sha256(&data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presigned_redirect_postgres_s3() {
    let tweaks = Tweaks { presign_redirect: true, ..Default::default() };
    run(Backends::PostgresS3, tweaks, presigned_redirect_serves_the_same_bytes).await;
}
