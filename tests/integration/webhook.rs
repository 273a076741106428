//! A webhook receiver on the loopback interface, started inside a test: it
//! answers each connection by hand with the next status of its script and
//! keeps every request it read, so tests can look at the body, the headers
//! and the signature `notify` and `remind` sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request the receiver read.
#[derive(Clone, Debug)]
pub struct Request {
    /// `POST /hook HTTP/1.1`.
    pub line: String,
    /// Header names in lowercase, with their values.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// A receiver running in a thread of the test.
pub struct Receiver {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Receiver {
    /// Answers the n-th connection with `statuses[n]`, and 200 once the
    /// script is used up.
    pub fn start(statuses: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the loopback");
        let url = format!(
            "http://{}/hook",
            listener.local_addr().expect("local address")
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&requests);
        let statuses = statuses.to_vec();
        thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { return };
                let status = statuses.get(n).copied().unwrap_or(200);
                if let Some(request) = read_request(&stream) {
                    kept.lock().expect("requests").push(request);
                }
                let reason = if status < 300 { "OK" } else { "Not OK" };
                let body = if status < 300 { "ok" } else { "try later" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.flush();
            }
        });
        Receiver { url, requests }
    }

    /// A receiver that accepts connections, reads the request and never
    /// answers (each connection is held for a minute, past any test).
    pub fn silent() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the loopback");
        let url = format!(
            "http://{}/hook",
            listener.local_addr().expect("local address")
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&requests);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let kept = Arc::clone(&kept);
                thread::spawn(move || {
                    if let Some(request) = read_request(&stream) {
                        kept.lock().expect("requests").push(request);
                    }
                    thread::sleep(Duration::from_secs(60));
                    drop(stream);
                });
            }
        });
        Receiver { url, requests }
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests").clone()
    }
}

/// An address on the loopback where nothing listens: connections to it
/// are refused.
pub fn refusing_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the loopback");
    let address = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{address}/hook")
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        line: line.trim_end().to_owned(),
        headers,
        body,
    })
}
