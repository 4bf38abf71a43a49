#include "zhijian/ledger/service.h"

#include "zhijian/ledger/encoding.h"
#include "zhijian/ledger/key_file.h"
#include "zhijian/ledger/qr.h"

namespace zhijian::ledger {

Result<std::string> VerifierKeyOf(std::string_view signer_key) {
  // "PRIVATE+KEY+<name>+<id>+<base64(type ‖ private key)>"; names contain no '+'.
  const Error bad = Error::Invalid("note.bad-key", "签名密钥格式错误", "malformed signer key");
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  if (signer_key.substr(0, kPrefix.size()) != kPrefix) return bad;
  std::string_view rest = signer_key.substr(kPrefix.size());
  const size_t a = rest.find('+');
  const size_t b = a == std::string_view::npos ? a : rest.find('+', a + 1);
  if (b == std::string_view::npos) return bad;
  const std::string_view name = rest.substr(0, a);
  Result<std::string> key = Base64Decode(rest.substr(b + 1));
  if (!key || key->empty()) return bad;
  Result<KeyPair> pair =
      static_cast<uint8_t>((*key)[0]) == kEd25519SignatureType
          ? GenerateEd25519Key(name, std::string_view(*key).substr(1))
      : key->rfind(kSm2SignatureType, 0) == 0
          ? GenerateSm2Key(name, std::string_view(*key).substr(kSm2SignatureType.size()))
          : Result<KeyPair>(bad);
  if (!pair) return pair.error();
  if (pair->signer_key != signer_key) return bad;  // the id must match too
  return pair->verifier_key;
}

Result<std::unique_ptr<LedgerService>> LedgerService::Open(store::Database& db, const Clock& clock,
                                                           ServiceOptions options) {
  std::unique_ptr<LedgerService> s(new LedgerService());
  LedgerService* self = s.get();
  std::string hash;  // "" = the log's own
  if (!options.log_key_file.empty()) {
    ZJ_ASSIGN_OR_RETURN(std::string key_text, LoadKeyFile(options.log_key_file, /*secret=*/true));
    ZJ_ASSIGN_OR_RETURN(s->signer_, NewNoteSigner(key_text));
    ZJ_ASSIGN_OR_RETURN(s->verifier_key_, VerifierKeyOf(key_text));
    ZJ_ASSIGN_OR_RETURN(s->verifier_, NewNoteVerifier(s->verifier_key_));
    hash = s->signer_->Algorithm() == KeyAlgorithm::kSm2 ? "sm3" : "sha256";
  }
  ZJ_ASSIGN_OR_RETURN(s->log_, LogStore::Open(db, hash));
  CheckpointPublisher* publisher = nullptr;
  if (s->signer_) {
    std::function<void(const StoredCheckpoint&)> published = options.publisher.on_publish;
    options.publisher.on_publish = [self, published](const StoredCheckpoint& cp) {
      self->RaiseLogSizes(-1, static_cast<int64_t>(cp.size));
      if (published) published(cp);
    };
    s->publisher_ =
        std::make_unique<CheckpointPublisher>(*s->log_, *s->signer_, clock, options.publisher);
    publisher = s->publisher_.get();
  }
  std::function<void(uint64_t)> chained = options.ledger.on_append;
  options.ledger.on_append = [self, publisher, chained](uint64_t size) {
    self->RaiseLogSizes(static_cast<int64_t>(size), -1);
    if (publisher) publisher->Notify(size);
    if (chained) chained(size);
  };
  ZJ_ASSIGN_OR_RETURN(s->reports_, ReportLedger::Open(db, *s->log_, clock, options.ledger));
  s->options_ = std::move(options);
  s->clock_ = &clock;
  s->db_ = &db;
  if (s->publisher_ && s->options_.start_publisher) s->publisher_->Start();
  return s;
}

LedgerService::~LedgerService() {
  if (publisher_) publisher_->Stop();
}

Result<void> LedgerService::RequireSigner() const {
  if (signer_) return Ok();
  return Error(Error::Kind::kUnavailable, "ledger.no-log-key", "服务器未配置日志签名密钥",
               "the server has no log signing key (zhijian keys init; serve --log-key)");
}

Result<std::string> LedgerService::QrFor(const ReportRecord& report) const {
  ZJ_TRY(RequireSigner());
  QrClaims claims{report.code, report.input.document_sha256, report.input.issue_date};
  return MakeQrText(claims, *signer_, qr_url_prefix(), SecretText(report.salt));
}

std::string LedgerService::qr_url_prefix() const {
  std::lock_guard<std::mutex> lock(prefix_mu_);
  return options_.qr_url_prefix;
}

void LedgerService::SetQrUrlPrefix(std::string prefix) {
  std::lock_guard<std::mutex> lock(prefix_mu_);
  options_.qr_url_prefix = std::move(prefix);
}

void LedgerService::RaiseLogSizes(int64_t tree, int64_t checkpoint) const {
  auto raise = [](std::atomic<int64_t>& a, int64_t v) {
    int64_t cur = a.load();
    while (v > cur && !a.compare_exchange_weak(cur, v)) {
    }
  };
  raise(tree_size_, tree);
  raise(checkpoint_size_, checkpoint);
}

std::optional<LedgerService::LogSizes> LedgerService::KnownLogSizes() const {
  const int64_t read = sizes_read_ms_.load();
  if (read == INT64_MIN) return std::nullopt;
  const int64_t now = ToUnixMillis(clock_->Now());
  if (now - read >= options_.log_sizes_refresh.count() || now < read) return std::nullopt;
  return LogSizes{tree_size_.load(), checkpoint_size_.load()};
}

Result<LedgerService::LogSizes> LedgerService::CurrentLogSizes() const {
  const int64_t now = ToUnixMillis(clock_->Now());
  const int64_t read = sizes_read_ms_.load();
  const bool never = read == INT64_MIN;
  if (never || now - read >= options_.log_sizes_refresh.count() || now < read) {
    // One reader at a time; once the sizes were read, the others answer with the known ones.
    std::unique_lock<std::mutex> lock(sizes_mu_, std::defer_lock);
    if (never) {
      lock.lock();
    } else {
      (void)lock.try_lock();
    }
    if (lock.owns_lock() && sizes_read_ms_.load() == read) {
      ZJ_ASSIGN_OR_RETURN(auto conn, db_->Acquire());
      ZJ_ASSIGN_OR_RETURN(LogHead head, log_->ReadHead(*conn));
      ZJ_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> cp, log_->LatestCheckpoint(*conn));
      RaiseLogSizes(static_cast<int64_t>(head.size), cp ? static_cast<int64_t>(cp->size) : -1);
      sizes_read_ms_.store(now);
    }
  }
  return LogSizes{tree_size_.load(), checkpoint_size_.load()};
}

std::optional<std::string> LedgerService::CachedVerification(const std::string& key) const {
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cache_.find(key);
  if (it == cache_.end() || clock_->Now() - it->second.first >= std::chrono::seconds(1)) {
    return std::nullopt;
  }
  return it->second.second;
}

void LedgerService::CacheVerification(const std::string& key, std::string body) const {
  constexpr size_t kMaxEntries = 20'000;
  std::lock_guard<std::mutex> lock(cache_mu_);
  if (cache_.size() >= kMaxEntries) cache_.clear();
  cache_[key] = {clock_->Now(), std::move(body)};
}

}  // namespace zhijian::ledger
