//! A webhook receiver on 127.0.0.1 for the tests: records every request, answers from a
//! script, can hold one request until the test releases it, and checks signatures with
//! its own HMAC-SHA256 (RFC 2104 over SHA-256, written here from the definition, so the
//! check does not share code with the server).

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap_or_else(|| panic!("missing header {name}")).to_str().unwrap()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("deliveries are JSON")
    }
}

struct Shared {
    requests: Mutex<Vec<Received>>,
    /// Status for the n-th request (from 0); 200 after the script runs out.
    script: Vec<u16>,
    /// This request (by index) waits for `release` before it is answered.
    hold: Option<usize>,
    release: Notify,
}

pub struct Receiver {
    pub base: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Receiver {
    pub async fn start(script: Vec<u16>) -> Receiver {
        Self::start_holding(script, None).await
    }

    pub async fn start_holding(script: Vec<u16>, hold: Option<usize>) -> Receiver {
        let shared = Arc::new(Shared { requests: Mutex::new(Vec::new()), script, hold, release: Notify::new() });
        let app = axum::Router::new().fallback(receive).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { base, shared, server }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn requests(&self) -> Vec<Received> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Let the held request be answered.
    pub fn release(&self) {
        self.shared.release.notify_one();
    }
}

async fn receive(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Bytes) -> StatusCode {
    let index = {
        let mut requests = shared.requests.lock().unwrap();
        requests.push(Received { path: uri.path().to_string(), headers, body: body.to_vec() });
        requests.len() - 1
    };
    if shared.hold == Some(index) {
        shared.release.notified().await;
    }
    let status = shared.script.get(index).copied().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

/// HMAC-SHA256 per RFC 2104: H((K ^ opad) || H((K ^ ipad) || message)), 64-byte blocks.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_key: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let outer_key: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new().chain_update(&inner_key).chain_update(message).finalize();
    Sha256::new().chain_update(&outer_key).chain_update(inner).finalize().into()
}

/// What a receiver does with a delivery: recompute the signature over
/// `"{Briefly-Timestamp}.{body}"` and compare.
pub fn signature_is_valid(secret: &str, request: &Received) -> bool {
    let timestamp = request.header("briefly-timestamp");
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(&request.body);
    let expected = format!("v1={}", hex::encode(hmac_sha256(secret.as_bytes(), &signed)));
    request.header("briefly-signature") == expected
}

#[test]
fn own_hmac_matches_rfc_4231() {
    // Test case 2 (short key) and test case 6 (a key longer than the block size).
    assert_eq!(
        hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        hex::encode(hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}
