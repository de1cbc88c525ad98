#![recursion_limit = "256"]

use clap::Parser;
use server::config::{Command, Config, OperatorCommand};
use std::future::IntoFuture;
use std::io::{BufWriter, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use tracing_subscriber::EnvFilter;

// Rendering a page allocates and frees thousands of small strings and nodes across the
// runtime's threads; glibc's allocator spent a fifth of a page's time in its locks and
// free-list consolidation (perf, /orders under load). mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let config = Config::parse();
    let log = log_writer();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(log.clone())
        // Plain text: logs go to files and collectors, not terminals.
        .with_ansi(false)
        .init();
    let code = match tokio::runtime::Runtime::new() {
        Ok(runtime) => {
            let code = runtime.block_on(run(config));
            // What tasks log while the runtime winds down is written too.
            drop(runtime);
            code
        }
        Err(error) => {
            tracing::error!(%error, "cannot start the async runtime");
            ExitCode::FAILURE
        }
    };
    log.flush();
    code
}

/// Every request is logged, so a log line must cost a copy, not a system call or a thread's
/// wake-up: lines collect in a 64 KiB buffer that is written out when full and every 200 ms
/// (and at exit; a process killed outright loses at most those 200 ms). A crate's non-blocking
/// writer wakes its thread per line, which under load cost a fifth of a bare request's time.
#[derive(Clone)]
struct LogWriter(Arc<Mutex<BufWriter<std::io::Stdout>>>);

/// One event's line: the formatter writes it whole, in one call.
struct LogLine<'a>(&'a Mutex<BufWriter<std::io::Stdout>>);

impl Write for LogLine<'_> {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.write_all(line).map(|()| line.len())
    }

    /// The whole line under one lock, so no other thread's line lands inside it.
    fn write_all(&mut self, line: &[u8]) -> std::io::Result<()> {
        match self.0.lock() {
            Ok(mut out) => out.write_all(line),
            Err(_) => Ok(()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogLine<'a>;
    fn make_writer(&'a self) -> LogLine<'a> {
        LogLine(&self.0)
    }
}

impl LogWriter {
    fn flush(&self) {
        if let Ok(mut out) = self.0.lock() {
            let _ = out.flush();
        }
    }
}

fn log_writer() -> LogWriter {
    let out = Arc::new(Mutex::new(BufWriter::with_capacity(
        64 * 1024,
        std::io::stdout(),
    )));
    let flushed = Arc::downgrade(&out);
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_millis(200));
        match flushed.upgrade() {
            Some(out) => LogWriter(out).flush(),
            None => return,
        }
    });
    LogWriter(out)
}

async fn run(config: Config) -> ExitCode {
    match &config.command {
        Some(Command::Backup { file }) => {
            return finish(
                server::maintenance::backup(&config.database_url, file).await,
                &format!("backed up to {}", file.display()),
            )
        }
        Some(Command::Restore { file }) => {
            return finish(
                server::maintenance::restore(&config.database_url, file).await,
                &format!("restored from {}", file.display()),
            )
        }
        Some(Command::Operator {
            action: OperatorCommand::Add { email },
        }) => {
            return match server::maintenance::add_operator(
                &config.database_url,
                &config.public_url(),
                email,
            )
            .await
            {
                Ok(said) => {
                    println!("{said}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Generate {
            work_orders,
            providers,
            work_orders_each,
            audit_each,
        }) => {
            let plan = app::demo::scale::Plan {
                main_work_orders: *work_orders,
                providers: *providers,
                work_orders_each: *work_orders_each,
                audit_each: *audit_each,
                ..Default::default()
            };
            return server::maintenance::generate(&config.database_url, &plan).await;
        }
        Some(Command::BenchStatic { file, content_type }) => {
            return server::maintenance::bench_static(config.bind, file, content_type).await;
        }
        None => {}
    }
    // Held while serving: `server restore` refuses to replace a database in use.
    let _in_use = match server::maintenance::hold(&config.database_url) {
        Ok(lock) => lock,
        Err(error) => {
            tracing::error!(%error, "cannot lock the database file");
            return ExitCode::FAILURE;
        }
    };

    let (router, db, settings, storage) = match server::build_with_settings(&config).await {
        Ok(built) => built,
        Err(error) => {
            tracing::error!(%error, "start-up failed");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.bind).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, bind = %config.bind, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    server::spawn_jobs(&config, db, settings, storage);
    println!("Provider Center is running at {}", config.public_url());
    if config.demo {
        println!("Demo logins (role, email, password):");
        for login in app::demo::DEMO_LOGINS {
            println!(
                "  {:<55} {:<24} {}",
                login.role,
                login.email,
                app::demo::DEMO_PASSWORD
            );
        }
    }
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    // On SIGTERM the listener closes at once; requests in flight get the grace period.
    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
    let server = axum::serve(listener, service).with_graceful_shutdown({
        let stopping = stopping.clone();
        async move {
            shutdown_signal().await;
            tracing::info!("shutting down: no new connections, finishing requests in flight");
            stopping.notify_one();
        }
    });
    let grace = std::time::Duration::from_secs(config.shutdown_grace_secs);
    tokio::select! {
        served = server.into_future() => {
            if let Err(error) = served {
                tracing::error!(%error, "server failed");
                return ExitCode::FAILURE;
            }
        }
        _ = async { stopping.notified().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(?grace, "grace period over: exiting with requests still in flight");
        }
    }
    ExitCode::SUCCESS
}

/// The end of a maintenance command: said on standard output, or the error and failure.
fn finish(result: Result<(), server::maintenance::MaintenanceError>, done: &str) -> ExitCode {
    match result {
        Ok(()) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
