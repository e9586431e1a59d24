//! [`App`]: what every request of a running emulator shares — its options,
//! and its state, fault rules and STS sessions, each behind a lock, and the
//! count of AWS calls in flight.

use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use crate::clock;
use crate::faults::{Faults, InFlight};
use crate::options::EmulatorOptions;
use crate::sessions::Sessions;
use crate::state::State;
use crate::throttling::Throttler;

/// State shared by all requests.
#[derive(Debug)]
pub struct App {
    /// Options.
    pub opts: EmulatorOptions,
    state: Mutex<State>,
    faults: Mutex<Faults>,
    sessions: Mutex<Sessions>,
    throttler: Mutex<Throttler>,
    in_flight: InFlight,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves consistent data (every
    // mutation is a single map operation), so recover from poisoning.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    /// A new application with `state`.
    pub fn new(opts: EmulatorOptions, state: State) -> Self {
        Self {
            state: Mutex::new(state),
            faults: Mutex::new(Faults::default()),
            sessions: Mutex::new(Sessions::default()),
            throttler: Mutex::new(Throttler::new(opts.rate_limits)),
            in_flight: InFlight::default(),
            opts,
        }
    }

    /// Runs `f` on the settled state under the lock; persists the state
    /// afterwards if `persist` and `f` succeeded.
    pub fn transact<T, E>(
        &self,
        persist: bool,
        f: impl FnOnce(&mut State, u64) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut st = lock(&self.state);
        let now = clock::now_ms();
        st.settle(now);
        let result = f(&mut st, now);
        if persist && result.is_ok() {
            self.save(&st);
        }
        result
    }

    fn save(&self, st: &State) {
        if let Some(path) = &self.opts.state_file
            && let Err(err) = st.save(path)
        {
            tracing::error!(path = %path.display(), %err, "could not save state");
        }
    }

    /// The fault rules and call counters.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    /// The AWS calls being handled now, and their peak.
    pub fn in_flight(&self) -> &InFlight {
        &self.in_flight
    }

    /// The enforced rate limits and their buckets.
    pub fn throttler(&self) -> MutexGuard<'_, Throttler> {
        lock(&self.throttler)
    }

    /// The sessions issued by STS `AssumeRole`.
    pub fn sessions(&self) -> MutexGuard<'_, Sessions> {
        lock(&self.sessions)
    }

    /// The settled state as JSON.
    pub fn state_json(&self) -> Value {
        let result: Result<Value, serde_json::Error> =
            self.transact(false, |st, _| serde_json::to_value(&*st));
        result.unwrap_or(Value::Null)
    }
}
