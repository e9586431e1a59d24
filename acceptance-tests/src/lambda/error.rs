//! Lambda errors, rendered as the REST-JSON protocol does: status code from
//! the error shape, `x-amzn-ErrorType` header, body `{"Type", "message"}`
//! (or `Message`, whichever member the model's error shape declares).

use serde_json::{Map, Value};

use crate::model::{self, validate::Invalid};

/// An error a Lambda operation returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LambdaError {
    /// Request failed model validation (400).
    #[error("{0}")]
    Validation(String),
    /// Request body or parameter could not be deserialized (400).
    #[error("{0}")]
    Serialization(String),
    /// A parameter value is not acceptable (400).
    #[error("{0}")]
    InvalidParameterValue(String),
    /// The resource does not exist (404).
    #[error("{0}")]
    ResourceNotFound(String),
    /// The resource is busy or in use (409).
    #[error("{0}")]
    ResourceConflict(String),
    /// A durable execution with that name was started with another payload
    /// (409).
    #[error("{0}")]
    DurableExecutionAlreadyStarted(String),
    /// The function has no published version to invoke (400).
    #[error("{0}")]
    NoPublishedVersion(String),
    /// The capacity provider holds the most function versions AWS allows.
    #[error("{0}")]
    VersionsPerCapacityProviderLimitExceeded(String),
    /// A `RevisionId` guard failed (412).
    #[error("{0}")]
    PreconditionFailed(String),
    /// Throttled (429).
    #[error("{message}")]
    TooManyRequests {
        /// Message.
        message: String,
        /// `Retry-After` seconds.
        retry_after_seconds: u64,
    },
    /// Internal error (500).
    #[error("{0}")]
    Service(String),
    /// No such operation (404).
    #[error("{0}")]
    UnknownOperation(String),
}

impl From<Invalid> for LambdaError {
    fn from(value: Invalid) -> Self {
        match value {
            Invalid::Serialization(m) => Self::Serialization(m),
            Invalid::Validation(m) => Self::Validation(m),
        }
    }
}

impl LambdaError {
    /// The error code (`x-amzn-ErrorType`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "ValidationException",
            Self::Serialization(_) => "SerializationException",
            Self::InvalidParameterValue(_) => "InvalidParameterValueException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::ResourceConflict(_) => "ResourceConflictException",
            Self::DurableExecutionAlreadyStarted(_) => "DurableExecutionAlreadyStartedException",
            Self::NoPublishedVersion(_) => "NoPublishedVersionException",
            Self::PreconditionFailed(_) => "PreconditionFailedException",
            Self::VersionsPerCapacityProviderLimitExceeded(_) => {
                "FunctionVersionsPerCapacityProviderLimitExceededException"
            }
            Self::TooManyRequests { .. } => "TooManyRequestsException",
            Self::Service(_) => "ServiceException",
            Self::UnknownOperation(_) => "UnknownOperationException",
        }
    }

    /// The HTTP status: the model's `error.httpStatusCode` for the shapes it
    /// declares, AWS's front-end statuses for the others.
    pub fn status(&self) -> u16 {
        let declared = model::lambda()
            .shape(self.code())
            .and_then(|s| s.error.as_ref())
            .and_then(|e| e.http_status_code);
        declared.unwrap_or(match self {
            Self::ResourceNotFound(_) | Self::UnknownOperation(_) => 404,
            Self::ResourceConflict(_) | Self::DurableExecutionAlreadyStarted(_) => 409,
            Self::PreconditionFailed(_) => 412,
            Self::TooManyRequests { .. } => 429,
            Self::Service(_) => 500,
            _ => 400,
        })
    }

    /// The message.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        let fault = if self.status() >= 500 {
            "Service"
        } else {
            "User"
        };
        body.insert("Type".into(), Value::String(fault.into()));
        let key = model::lambda().error_message_key(self.code());
        body.insert(key.into(), Value::String(self.message()));
        if let Self::TooManyRequests { .. } = self {
            body.insert(
                "Reason".into(),
                Value::String("CallerRateLimitExceeded".into()),
            );
        }
        Value::Object(body)
    }
}
