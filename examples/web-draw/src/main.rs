//! Serves the example draw on 127.0.0.1, port 3000 or `PORT`.

#![forbid(unsafe_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

/// The port to listen on: `PORT` when set, else 3000.
fn port() -> Result<u16, String> {
    match std::env::var("PORT") {
        Ok(text) => text
            .parse()
            .map_err(|_| format!("PORT is \"{text}\": give a port number from 0 to 65535")),
        Err(_) => Ok(3000),
    }
}

/// Binds the address and serves until the process is stopped.
async fn serve() -> Result<(), String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port()?));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    println!("kleroterion web draw on http://{address}");
    axum::serve(listener, kleroterion_web_draw::app())
        .await
        .map_err(|e| format!("the server stopped: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("web-draw: {e}");
            ExitCode::FAILURE
        }
    }
}
