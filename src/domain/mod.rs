//! Types parsed at the boundary: once a value has one of these types it is valid.

mod account;
mod ids;
mod video;

pub use account::{DisplayName, Email, Password, TokenName};
pub use ids::{random_id, random_secret, sha256_hex, ResourceId};
pub use video::{Title, VideoStatus, Visibility};
