//! The sessions STS `AssumeRole` issued. The running emulator keeps them so
//! that later calls signed with their credentials are attributed to the
//! assumed role; `GET /_emulator/sts/sessions` lists them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A session issued by `AssumeRole`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssumedRoleSession {
    /// The temporary access key ID (`ASIA…`).
    pub access_key_id: String,
    /// `RoleArn` of the request.
    pub role_arn: String,
    /// `RoleSessionName` of the request.
    pub role_session_name: String,
    /// `ExternalId` of the request, if any.
    pub external_id: Option<String>,
    /// `DurationSeconds` granted.
    pub duration_seconds: u64,
    /// Access key ID of the credentials that called `AssumeRole`.
    pub source_access_key_id: String,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub assumed_role_arn: String,
    /// Expiry, epoch milliseconds.
    pub expiration_ms: u64,
}

/// Sessions issued by `AssumeRole`, by temporary access key ID.
#[derive(Debug, Default)]
pub struct Sessions {
    by_access_key: BTreeMap<String, AssumedRoleSession>,
}

impl Sessions {
    /// The session whose temporary access key ID is `access_key`.
    pub fn get(&self, access_key: &str) -> Option<&AssumedRoleSession> {
        self.by_access_key.get(access_key)
    }

    /// Remembers `session` under its temporary access key ID.
    pub fn insert(&mut self, session: AssumedRoleSession) {
        self.by_access_key
            .insert(session.access_key_id.clone(), session);
    }

    /// Every session issued, in access key ID order.
    pub fn list(&self) -> Vec<AssumedRoleSession> {
        self.by_access_key.values().cloned().collect()
    }

    /// Forgets every session.
    pub fn clear(&mut self) {
        self.by_access_key.clear();
    }
}
