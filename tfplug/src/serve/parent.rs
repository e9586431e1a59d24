//! Exit when Terraform is gone. go-plugin providers are stopped by Terraform; when
//! Terraform itself is killed (`kill -9`, a CI runner tearing down, Task Manager's End
//! task) nothing stops them, and they linger for minutes holding sockets and CI jobs
//! open. The process that started the provider is its parent: when it is gone, the
//! provider stops — gracefully first, then for good.
//!
//! How "gone" is seen differs by platform ([`Parent`]): on unix a process whose parent
//! dies is re-parented, so its parent id changes; Windows never re-parents, so the
//! provider opens a handle to its parent at start and asks whether that process has
//! ended.

use std::time::Duration;

use super::shutdown::Shutdown;

#[cfg(unix)]
use unix::Parent;
#[cfg(windows)]
use windows::Parent;

/// How often the parent is checked.
const POLL: Duration = Duration::from_millis(500);

/// How long in-flight calls get to finish once the parent is gone (no one will read
/// their answers, but they may be mid-way through a cloud call).
const GRACE: Duration = Duration::from_secs(3);

/// Watches the process that started this one until it is gone, then stops the server.
/// The future returned ends at once, watching nothing, when the parent cannot be found.
///
/// The parent is taken when this is called, not when the future first runs: the caller
/// spawns it and then writes the handshake line, and a spawned task may first run after
/// Terraform has read that line and been killed, when this process already has another
/// parent, which would then be watched forever.
pub fn watch(shutdown: Shutdown) -> impl std::future::Future<Output = ()> {
    let parent = Parent::of_this_process();
    watch_parent(parent, shutdown)
}

async fn watch_parent<E: std::fmt::Display>(parent: Result<Parent, E>, shutdown: Shutdown) {
    let parent = match parent {
        Ok(parent) => parent,
        Err(reason) => {
            tracing::warn!(
                %reason,
                "cannot watch the process that started the provider; if it is killed, \
                 the provider keeps running until it is stopped"
            );
            return;
        }
    };
    tracing::debug!(
        parent = parent.id(),
        "watching the process that started the provider"
    );
    loop {
        tokio::time::sleep(POLL).await;
        if parent.is_gone() {
            tracing::warn!(
                parent = parent.id(),
                "the process that started the provider is gone; stopping"
            );
            shutdown.begin_with_deadline(GRACE);
            return;
        }
    }
}

#[cfg(unix)]
mod unix {
    use std::os::unix::process::parent_id;

    /// The parent, by process id: unix hands an orphan to another process (init or a
    /// subreaper), so a changed parent id means the parent died.
    pub struct Parent {
        pid: u32,
    }

    impl Parent {
        pub fn of_this_process() -> Result<Self, std::convert::Infallible> {
            Ok(Self { pid: parent_id() })
        }

        pub fn id(&self) -> u32 {
            self.pid
        }

        pub fn is_gone(&self) -> bool {
            parent_id() != self.pid
        }
    }
}

#[cfg(windows)]
mod windows {
    //! Windows keeps a process's parent id after the parent ends (and may give the id to
    //! a new process), so the id alone says nothing. Instead: find the parent's id in a
    //! process snapshot, open the parent (with a handle, the id cannot be reused under
    //! us), check it started before this process (else the id already belongs to a
    //! newer process, and the parent is gone), and poll the handle's signalled state.

    use std::io;
    use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};

    use windows_sys::Win32::Foundation::{FILETIME, INVALID_HANDLE_VALUE, WAIT_OBJECT_0};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW,
        TH32CS_SNAPPROCESS,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcess, GetCurrentProcessId, GetProcessTimes, OpenProcess,
        PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_SYNCHRONIZE, WaitForSingleObject,
    };

    /// The parent, by an open process handle; `None` when the id already named a
    /// process newer than this one at start (the parent had ended before it was opened).
    pub struct Parent {
        pid: u32,
        handle: Option<OwnedHandle>,
    }

    impl Parent {
        pub fn of_this_process() -> io::Result<Self> {
            let pid = parent_id()?;
            // SAFETY: plain call; a null handle is the failure checked below.
            let raw = unsafe {
                OpenProcess(
                    PROCESS_SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION,
                    0,
                    pid,
                )
            };
            if raw.is_null() {
                return Err(io::Error::other(format!(
                    "cannot open the parent process {pid}: {}",
                    io::Error::last_os_error()
                )));
            }
            // SAFETY: `raw` is a valid process handle that nothing else owns.
            let handle = unsafe { OwnedHandle::from_raw_handle(raw) };
            // SAFETY: the pseudo handle of the current process needs no closing.
            let this = unsafe { GetCurrentProcess() };
            let started_before_us = created_at(handle.as_raw_handle())? <= created_at(this)?;
            Ok(Self {
                pid,
                handle: started_before_us.then_some(handle),
            })
        }

        pub fn id(&self) -> u32 {
            self.pid
        }

        pub fn is_gone(&self) -> bool {
            match &self.handle {
                // SAFETY: the handle is open for as long as `self` lives; a zero
                // timeout only reads the state.
                Some(handle) => unsafe {
                    WaitForSingleObject(handle.as_raw_handle(), 0) == WAIT_OBJECT_0
                },
                None => true,
            }
        }
    }

    /// This process's parent id, from a snapshot of the system's processes.
    fn parent_id() -> io::Result<u32> {
        // SAFETY: plain calls; the snapshot handle is checked, then owned (and closed).
        let snapshot = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) };
        if snapshot == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a valid handle that nothing else owns.
        let snapshot = unsafe { OwnedHandle::from_raw_handle(snapshot) };
        // SAFETY: plain call.
        let this = unsafe { GetCurrentProcessId() };
        let mut entry = PROCESSENTRY32W {
            dwSize: size_of::<PROCESSENTRY32W>() as u32,
            ..Default::default()
        };
        // SAFETY: `entry` is a writable PROCESSENTRY32W whose dwSize is set.
        let mut found = unsafe { Process32FirstW(snapshot.as_raw_handle(), &mut entry) } != 0;
        while found {
            if entry.th32ProcessID == this {
                return Ok(entry.th32ParentProcessID);
            }
            // SAFETY: as above.
            found = unsafe { Process32NextW(snapshot.as_raw_handle(), &mut entry) } != 0;
        }
        Err(io::Error::other(
            "this process is not in the process snapshot",
        ))
    }

    /// When a process started, in 100 ns ticks since 1601.
    fn created_at(process: windows_sys::Win32::Foundation::HANDLE) -> io::Result<u64> {
        let mut times = [FILETIME::default(); 4];
        let [created, exited, kernel, user] = &mut times;
        // SAFETY: four writable FILETIMEs; `process` has query rights.
        if unsafe { GetProcessTimes(process, created, exited, kernel, user) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok((u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime))
    }
}
