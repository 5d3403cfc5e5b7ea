#include "http/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

namespace baton::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct Server::Impl {
  ServerOptions opts;
  Handler handler;
  std::vector<std::unique_ptr<net::io_context>> ctxs;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::unique_ptr<ssl::context> tls;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};
  unsigned short port = 0;

  void Accept(size_t i);
};

namespace {

std::string JsonError(std::string_view detail) {
  std::string out = "{\"detail\":\"";
  out += detail;
  out += "\"}";
  return out;
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& srv, Stream stream, std::string remote, bool tls)
      : srv_(srv), stream_(std::move(stream)), remote_(std::move(remote)), tls_(tls) {}

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return;
                                self->Read();
                              });
    }
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(srv_.opts.body_limit);
    parser_->header_limit(64 * 1024);
    beast::get_lowest_layer(stream_).expires_after(
        std::chrono::seconds(srv_.opts.idle_timeout_seconds));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      return SendError(413, JsonError("Request body is larger than the allowed " +
                                      std::to_string(srv_.opts.body_limit) + " bytes."));
    }
    if (ec == bhttp::error::header_limit)
      return SendError(431, JsonError("Request headers too large."));
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category())
        return SendError(400, JsonError("Malformed HTTP request."));
      return Close();
    }
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    req.headers.reserve(16);
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.remote = remote_;
    req.tls = tls_;
    head_ = req.method == "HEAD";
    ++srv_.in_flight;
    auto self = this->shared_from_this();
    srv_.handler(std::move(req), [self](Response&& r) {
      auto ex = self->stream_.get_executor();
      net::dispatch(ex, [self, r = std::move(r)]() mutable { self->Write(std::move(r)); });
    });
  }

  void SendError(int status, std::string body) {
    keep_alive_ = false;
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.close = true;
    ++srv_.in_flight;
    Write(std::move(r));
  }

  // Sends the head and body (a shared cached body without copying it). Each write_some gets
  // the idle timeout afresh: a slow reader that keeps reading gets the whole answer, a stalled
  // one is dropped after the timeout.
  void Write(Response&& r) {
    bool keep = keep_alive_ && !r.close && !srv_.stopping;
    if (r.status == 204) {
      r.body.clear();
      r.shared_body.reset();
    }
    body_ = r.shared_body ? std::move(r.shared_body)
                          : std::make_shared<const std::string>(std::move(r.body));
    head_text_ = FormatHead(r, body_->size(), keep, version_);
    sent_ = 0;
    total_ = head_text_.size() + (head_ ? 0 : body_->size());
    WriteMore(keep);
  }

  void WriteMore(bool keep) {
    std::array<net::const_buffer, 2> bufs;  // copied into the operation
    if (sent_ < head_text_.size()) {
      bufs[0] = net::buffer(head_text_) + sent_;
      if (!head_) bufs[1] = net::buffer(*body_);
    } else {
      bufs[0] = net::buffer(*body_) + (sent_ - head_text_.size());
    }
    beast::get_lowest_layer(stream_).expires_after(
        std::chrono::seconds(srv_.opts.idle_timeout_seconds));
    stream_.async_write_some(
        bufs, [self = this->shared_from_this(), keep](beast::error_code ec, size_t wrote) {
          self->sent_ += wrote;
          if (!ec && self->sent_ < self->total_) return self->WriteMore(keep);
          self->OnWrite(ec, keep);
        });
  }

  void OnWrite(beast::error_code ec, bool keep) {
    --srv_.in_flight;
    body_.reset();
    head_text_.clear();
    if (ec || !keep) return Close();
    Read();
  }

  // Ends the connection: TCP half-close after the last answer; over TLS a close_notify first
  // (bounded by a short timeout, so a peer that never answers cannot hold the session).
  void Close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ec2;
        beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ec2);
      });
    }
  }

  Server::Impl& srv_;
  Stream stream_;
  std::string remote_;
  bool tls_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string head_text_;                    // the answer's status line and headers
  std::shared_ptr<const std::string> body_;  // the answer's body
  size_t sent_ = 0, total_ = 0;
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
};

}  // namespace

void Server::Impl::Accept(size_t i) {
  auto& acc = *acceptors[i];
  // One thread per io_context: no strand needed.
  acc.async_accept(*ctxs[i], [this, i](beast::error_code ec, tcp::socket sock) {
    if (stopping) return;
    if (!ec) {
      sock.set_option(tcp::no_delay(true), ec);
      std::string remote;
      beast::error_code ec2;
      auto ep = sock.remote_endpoint(ec2);
      if (!ec2) remote = ep.address().to_string();
      if (tls) {
        auto s = std::make_shared<Session<ssl::stream<beast::tcp_stream>>>(
            *this, ssl::stream<beast::tcp_stream>(beast::tcp_stream(std::move(sock)), *tls), remote,
            true);
        s->Start();
      } else {
        auto s = std::make_shared<Session<beast::tcp_stream>>(
            *this, beast::tcp_stream(std::move(sock)), remote, false);
        s->Start();
      }
    }
    Accept(i);
  });
}

Server::Server(ServerOptions opts, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->handler = std::move(handler);
  if (impl_->opts.threads < 1) impl_->opts.threads = 1;
}

Server::~Server() = default;

unsigned short Server::Listen() {
  auto& im = *impl_;
  if (!im.opts.tls_cert_file.empty()) {
    im.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    im.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    im.tls->use_certificate_chain_file(im.opts.tls_cert_file);
    im.tls->use_private_key_file(im.opts.tls_key_file, ssl::context::pem);
  }
  auto addr = net::ip::make_address(im.opts.host);
  unsigned short port = im.opts.port;
  for (int i = 0; i < im.opts.threads; ++i) {
    im.ctxs.push_back(std::make_unique<net::io_context>(1));
    auto acc = std::make_unique<tcp::acceptor>(*im.ctxs.back());
    tcp::endpoint ep(addr, port);
    acc->open(ep.protocol());
    acc->set_option(net::socket_base::reuse_address(true));
    int one = 1;
    ::setsockopt(acc->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acc->bind(ep);
    acc->listen(net::socket_base::max_listen_connections);
    if (port == 0) port = acc->local_endpoint().port();
    im.acceptors.push_back(std::move(acc));
  }
  im.port = port;
  return port;
}

void Server::Run() {
  auto& im = *impl_;
  for (size_t i = 0; i < im.acceptors.size(); ++i) im.Accept(i);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < im.ctxs.size(); ++i) {
    threads.emplace_back([&im, i] {
      auto guard = net::make_work_guard(*im.ctxs[i]);
      im.ctxs[i]->run();
    });
  }
  {
    auto guard = net::make_work_guard(*im.ctxs[0]);
    im.ctxs[0]->run();
  }
  for (auto& t : threads) t.join();
}

void Server::Shutdown(int grace_ms) {
  auto& im = *impl_;
  if (im.stopping.exchange(true)) return;
  for (size_t i = 0; i < im.acceptors.size(); ++i) {
    net::post(*im.ctxs[i], [&im, i] {
      beast::error_code ec;
      im.acceptors[i]->close(ec);
    });
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (im.in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (auto& c : im.ctxs) c->stop();
}

}  // namespace baton::http
