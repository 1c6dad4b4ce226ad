#include "lease_dhclient.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lease_syntax.hpp"

namespace timeguard {

namespace {

// ---------------------------------------------------------------------------------------------
// Lexer. dhclient's own lexer (common/conflex.c) splits on white space and on the characters
// { } ; and treats '#' outside a string as the start of a comment.

enum class TokenKind { word, string, open_brace, close_brace, semicolon };

struct Token {
  TokenKind kind;
  std::string text;
  std::size_t line;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool ends_word(char c) { return is_blank(c) || c == '{' || c == '}' || c == ';' || c == '"' || c == '#'; }

std::string line_prefix(std::size_t line) { return "line " + std::to_string(line) + ": "; }

// Decodes the escape after a backslash: \t, \n, \r, three octal digits, or the character itself.
// Advances `cursor` past the escape.
char decode_escape(std::string_view& cursor) {
  char first = cursor.front();
  bool octal = cursor.size() >= 3 && first >= '0' && first <= '3' && cursor[1] >= '0' &&
               cursor[1] <= '7' && cursor[2] >= '0' && cursor[2] <= '7';
  if (octal) {
    char value = static_cast<char>((first - '0') * 64 + (cursor[1] - '0') * 8 + (cursor[2] - '0'));
    cursor.remove_prefix(3);
    return value;
  }
  cursor.remove_prefix(1);
  switch (first) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    default: return first;
  }
}

// Reads a quoted string. `cursor` starts after the opening quote and ends after the closing one.
Result<std::string> read_string(std::string_view& cursor, std::size_t& line) {
  std::size_t start_line = line;
  std::string value;
  while (!cursor.empty()) {
    char c = cursor.front();
    cursor.remove_prefix(1);
    if (c == '"') {
      return value;
    }
    if (c == '\n') {
      ++line;
    }
    if (c == '\\' && !cursor.empty()) {
      value.push_back(decode_escape(cursor));
      continue;
    }
    value.push_back(c);
  }
  return fail(line_prefix(start_line) + "unterminated quoted string");
}

void skip_comment(std::string_view& cursor) {
  std::size_t newline = cursor.find('\n');
  cursor.remove_prefix(newline == std::string_view::npos ? cursor.size() : newline);
}

Result<std::vector<Token>> tokenize(std::string_view cursor) {
  std::vector<Token> tokens;
  std::size_t line = 1;
  while (!cursor.empty()) {
    char c = cursor.front();
    if (is_blank(c) || c == '#') {
      line += c == '\n' ? 1 : 0;
      c == '#' ? skip_comment(cursor) : cursor.remove_prefix(1);
      continue;
    }

    if (c == '"') {
      cursor.remove_prefix(1);
      std::size_t start_line = line;
      auto value = read_string(cursor, line);
      if (!value) {
        return value.error();
      }
      tokens.push_back({TokenKind::string, std::move(*value), start_line});
      continue;
    }

    if (c == '{' || c == '}' || c == ';') {
      TokenKind kind = c == '{' ? TokenKind::open_brace
                       : c == '}' ? TokenKind::close_brace
                                  : TokenKind::semicolon;
      tokens.push_back({kind, std::string(1, c), line});
      cursor.remove_prefix(1);
      continue;
    }

    std::size_t length = 0;
    while (length < cursor.size() && !ends_word(cursor[length])) {
      ++length;
    }
    tokens.push_back({TokenKind::word, std::string(cursor.substr(0, length)), line});
    cursor.remove_prefix(length);
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser over the token list. Every function leaves the cursor after what it consumed.

class TokenCursor {
 public:
  explicit TokenCursor(const std::vector<Token>& tokens) : tokens_(tokens) {}

  bool at_end() const { return position_ >= tokens_.size(); }
  const Token* peek() const { return at_end() ? nullptr : &tokens_[position_]; }
  const Token* next() { return at_end() ? nullptr : &tokens_[position_++]; }

  // Line of the current token, or of the last token at the end of the input.
  std::size_t line() const {
    if (tokens_.empty()) {
      return 1;
    }
    return at_end() ? tokens_.back().line : tokens_[position_].line;
  }

  bool accept(TokenKind kind) {
    if (!at_end() && tokens_[position_].kind == kind) {
      ++position_;
      return true;
    }
    return false;
  }

 private:
  const std::vector<Token>& tokens_;
  std::size_t position_ = 0;
};

Status skip_block(TokenCursor& cursor);

// Skips one statement: everything up to its ';', or a nested { } block (with an optional ';').
Status skip_statement(TokenCursor& cursor) {
  std::size_t start_line = cursor.line();
  while (const Token* token = cursor.next()) {
    if (token->kind == TokenKind::semicolon) {
      return ok_status();
    }
    if (token->kind == TokenKind::close_brace) {
      return fail(line_prefix(token->line) + "unexpected '}'");
    }
    if (token->kind == TokenKind::open_brace) {
      if (auto skipped = skip_block(cursor); !skipped) {
        return skipped;
      }
      cursor.accept(TokenKind::semicolon);
      return ok_status();
    }
  }
  return fail(line_prefix(start_line) + "statement not terminated before end of file");
}

// Skips the rest of a block whose '{' was already consumed, through its matching '}'.
Status skip_block(TokenCursor& cursor) {
  std::size_t start_line = cursor.line();
  std::size_t depth = 1;
  while (const Token* token = cursor.next()) {
    if (token->kind == TokenKind::open_brace) {
      ++depth;
    } else if (token->kind == TokenKind::close_brace && --depth == 0) {
      return ok_status();
    }
  }
  return fail(line_prefix(start_line) + "block not closed before end of file");
}

// Collects the words of a statement up to its ';'.
Result<std::vector<std::string>> statement_words(TokenCursor& cursor, std::string_view keyword) {
  std::size_t start_line = cursor.line();
  std::vector<std::string> words;
  while (const Token* token = cursor.next()) {
    if (token->kind == TokenKind::semicolon) {
      return words;
    }
    if (token->kind != TokenKind::word && token->kind != TokenKind::string) {
      return fail(line_prefix(token->line) + "unexpected '" + token->text + "' in " +
                  std::string(keyword) + " statement");
    }
    words.push_back(token->text);
  }
  return fail(line_prefix(start_line) + std::string(keyword) +
              " statement not terminated before end of file");
}

Result<std::string> single_value(TokenCursor& cursor, std::string_view keyword) {
  std::size_t line = cursor.line();
  auto words = statement_words(cursor, keyword);
  if (!words) {
    return words.error();
  }
  if (words->size() != 1) {
    return fail(line_prefix(line) + std::string(keyword) + " expects one value, got " +
                std::to_string(words->size()));
  }
  return std::move(words->front());
}

Result<std::uint64_t> single_number(TokenCursor& cursor, std::string_view keyword) {
  std::size_t line = cursor.line();
  auto value = single_value(cursor, keyword);
  if (!value) {
    return value.error();
  }
  auto number = parse_unsigned(*value);
  if (!number) {
    return fail(line_prefix(line) + std::string(keyword) + ": " + number.error().reason);
  }
  return *number;
}

// ---------------------------------------------------------------------------------------------
// Dates, as common/print.c print_time() writes them and common/parse.c parse_date() reads them.

Result<unsigned> bounded_field(std::string_view text, unsigned low, unsigned high) {
  auto value = parse_unsigned(text);
  if (!value || *value < low || *value > high) {
    return fail("field \"" + std::string(text) + "\" outside " + std::to_string(low) + ".." +
                std::to_string(high));
  }
  return static_cast<unsigned>(*value);
}

// Splits "a<sep>b<sep>c" into exactly three parts.
bool split3(std::string_view text, char separator, std::string_view (&parts)[3]) {
  for (int i = 0; i < 2; ++i) {
    std::size_t at = text.find(separator);
    if (at == std::string_view::npos) {
      return false;
    }
    parts[i] = text.substr(0, at);
    text.remove_prefix(at + 1);
  }
  parts[2] = text;
  return true;
}

// Parses "YYYY/MM/DD" and "HH:MM:SS" (UTC) into Unix seconds.
Result<std::int64_t> parse_calendar(std::string_view date, std::string_view time) {
  std::string_view d[3];
  std::string_view t[3];
  if (!split3(date, '/', d) || !split3(time, ':', t)) {
    return fail("expected YYYY/MM/DD HH:MM:SS");
  }
  auto year = bounded_field(d[0], 1970, 9999);
  auto month = bounded_field(d[1], 1, 12);
  auto day = bounded_field(d[2], 1, 31);
  auto hour = bounded_field(t[0], 0, 23);
  auto minute = bounded_field(t[1], 0, 59);
  auto second = bounded_field(t[2], 0, 60);
  for (const Result<unsigned>* field : {&year, &month, &day, &hour, &minute, &second}) {
    if (!*field) {
      return field->error();
    }
  }
  return utc_to_unix_seconds(static_cast<int>(*year), *month, *day, *hour, *minute, *second);
}

// Returns std::nullopt for "never". Accepts "never" after a weekday digit too ("0 never"),
// which some tools write for infinite leases although dhclient itself writes plain "never".
Result<std::optional<std::int64_t>> parse_date_words(const std::vector<std::string>& words) {
  if (!words.empty() && words.back() == "never" && words.size() <= 2) {
    return std::optional<std::int64_t>{};
  }
  if (words.size() == 2 && words[0] == "epoch") {
    auto seconds = parse_unsigned(words[1]);
    if (!seconds || *seconds > static_cast<std::uint64_t>(kMaxLeaseInstant)) {
      return fail("invalid epoch seconds \"" + words[1] + "\"");
    }
    return std::optional<std::int64_t>{static_cast<std::int64_t>(*seconds)};
  }
  if (words.size() != 3) {
    return fail("expected \"W YYYY/MM/DD HH:MM:SS\", \"epoch N\" or \"never\"");
  }
  if (auto weekday = bounded_field(words[0], 0, 6); !weekday) {
    return fail("invalid weekday: " + weekday.error().reason);
  }
  auto instant = parse_calendar(words[1], words[2]);
  if (!instant) {
    return instant.error();
  }
  return std::optional<std::int64_t>{*instant};
}

Result<std::optional<std::int64_t>> parse_date(TokenCursor& cursor, std::string_view keyword) {
  std::size_t line = cursor.line();
  auto words = statement_words(cursor, keyword);
  if (!words) {
    return words.error();
  }
  auto date = parse_date_words(*words);
  if (!date) {
    std::string joined;
    for (const std::string& word : *words) {
      joined += (joined.empty() ? "" : " ") + word;
    }
    return fail(line_prefix(line) + "invalid " + std::string(keyword) + " time \"" + joined +
                "\": " + date.error().reason);
  }
  return *date;
}

// ---------------------------------------------------------------------------------------------
// lease { } blocks (client/dhclient.c write_client_lease).

struct ParsedLease {
  DhcpLease lease;
  std::size_t line = 0;
};

Status read_v4_statement(TokenCursor& cursor, const Token& keyword, DhcpLease& lease) {
  const std::string& name = keyword.text;
  if (name == "interface") {
    auto value = single_value(cursor, name);
    if (!value) {
      return value.error();
    }
    lease.interface = *value;
    return ok_status();
  }
  if (name == "fixed-address") {
    auto value = single_value(cursor, name);
    if (!value) {
      return value.error();
    }
    if (!is_ip_address(*value, AF_INET)) {
      return fail(line_prefix(keyword.line) + "invalid fixed-address \"" + *value + "\"");
    }
    lease.address = *value;
    return ok_status();
  }
  std::optional<std::int64_t>* target = name == "renew"    ? &lease.renew
                                        : name == "rebind" ? &lease.rebind
                                        : name == "expire" ? &lease.expire
                                                           : nullptr;
  if (target == nullptr) {
    return skip_statement(cursor);
  }
  auto date = parse_date(cursor, name);
  if (!date) {
    return date.error();
  }
  *target = *date;
  return ok_status();
}

// Reads a block whose "lease {" was consumed, through its '}'.
Result<ParsedLease> parse_v4_block(TokenCursor& cursor, std::size_t start_line) {
  ParsedLease parsed{DhcpLease{}, start_line};
  parsed.lease.client = DhcpClient::dhclient;
  parsed.lease.family = AF_INET;
  while (true) {
    const Token* token = cursor.next();
    if (token == nullptr) {
      return fail(line_prefix(start_line) + "lease block not closed before end of file");
    }
    if (token->kind == TokenKind::close_brace) {
      break;
    }
    if (token->kind != TokenKind::word) {
      return fail(line_prefix(token->line) + "unexpected '" + token->text + "' in lease block");
    }
    if (auto status = read_v4_statement(cursor, *token, parsed.lease); !status) {
      return status.error();
    }
  }

  if (parsed.lease.address.empty()) {
    return fail(line_prefix(start_line) + "lease block has no fixed-address");
  }
  const DhcpLease& lease = parsed.lease;
  parsed.lease.released = lease.renew && lease.renew == lease.rebind && lease.rebind == lease.expire;
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// lease6 { } blocks (client/dhclient.c write_client6_lease). Inside an ia-na, "starts" is Unix
// seconds and renew/rebind are seconds after it. An iaaddr has its own starts and lifetimes.

constexpr std::uint64_t kInfiniteLifetime = 0xffffffff;  // RFC 8415: all ones means infinity

struct IaAddress {
  std::string address;
  std::int64_t starts = 0;
  std::uint64_t preferred_life = 0;
  std::uint64_t max_life = 0;
};

struct IaNa {
  std::int64_t starts = 0;
  std::uint64_t renew = 0;
  std::uint64_t rebind = 0;
  std::optional<IaAddress> first_address;
};

Status read_number_into(TokenCursor& cursor, const std::string& name, std::uint64_t& target) {
  auto value = single_number(cursor, name);
  if (!value) {
    return value.error();
  }
  target = *value;
  return ok_status();
}

Status read_starts(TokenCursor& cursor, std::int64_t& target) {
  std::size_t line = cursor.line();
  std::uint64_t value = 0;
  if (auto status = read_number_into(cursor, "starts", value); !status) {
    return status;
  }
  if (value > static_cast<std::uint64_t>(kMaxLeaseInstant)) {
    return fail(line_prefix(line) + "starts " + std::to_string(value) + " is after year 9999");
  }
  target = static_cast<std::int64_t>(value);
  return ok_status();
}

// Reads "iaaddr ADDR {" (keyword consumed) through its '}'.
Result<IaAddress> parse_iaaddr(TokenCursor& cursor, std::size_t start_line) {
  IaAddress parsed;
  const Token* address = cursor.next();
  if (address == nullptr || address->kind != TokenKind::word || !is_ip_address(address->text, AF_INET6)) {
    return fail(line_prefix(start_line) + "iaaddr needs an IPv6 address");
  }
  parsed.address = address->text;
  if (!cursor.accept(TokenKind::open_brace)) {
    return fail(line_prefix(start_line) + "expected '{' after iaaddr " + parsed.address);
  }
  while (const Token* token = cursor.next()) {
    if (token->kind == TokenKind::close_brace) {
      return parsed;
    }
    Status status = token->text == "starts"           ? read_starts(cursor, parsed.starts)
                    : token->text == "preferred-life" ? read_number_into(cursor, token->text, parsed.preferred_life)
                    : token->text == "max-life"       ? read_number_into(cursor, token->text, parsed.max_life)
                                                      : skip_statement(cursor);
    if (!status) {
      return status.error();
    }
  }
  return fail(line_prefix(start_line) + "iaaddr block not closed before end of file");
}

Status read_ia_statement(TokenCursor& cursor, const Token& keyword, IaNa& ia) {
  const std::string& name = keyword.text;
  if (name == "starts") {
    return read_starts(cursor, ia.starts);
  }
  if (name == "renew" || name == "rebind") {
    return read_number_into(cursor, name, name == "renew" ? ia.renew : ia.rebind);
  }
  if (name != "iaaddr") {
    return skip_statement(cursor);
  }
  auto address = parse_iaaddr(cursor, keyword.line);
  if (!address) {
    return address.error();
  }
  if (!ia.first_address) {
    ia.first_address = std::move(*address);
  }
  return ok_status();
}

// Reads "ia-na IAID {" (keyword consumed) through its '}'.
Result<IaNa> parse_ia_na(TokenCursor& cursor, std::size_t start_line) {
  IaNa ia;
  const Token* iaid = cursor.next();
  if (iaid == nullptr || !cursor.accept(TokenKind::open_brace)) {
    return fail(line_prefix(start_line) + "expected \"ia-na IAID {\"");
  }
  while (const Token* token = cursor.next()) {
    if (token->kind == TokenKind::close_brace) {
      return ia;
    }
    if (token->kind != TokenKind::word) {
      return fail(line_prefix(token->line) + "unexpected '" + token->text + "' in ia-na block");
    }
    if (auto status = read_ia_statement(cursor, *token, ia); !status) {
      return status.error();
    }
  }
  return fail(line_prefix(start_line) + "ia-na block not closed before end of file");
}

std::optional<std::int64_t> after(std::int64_t start, std::uint64_t seconds) {
  if (seconds >= kInfiniteLifetime) {
    return std::nullopt;
  }
  return start + static_cast<std::int64_t>(seconds);
}

// Turns the relative ia-na times into absolute ones. When the server sent T1 = 0 or T2 = 0 the
// client picks them; this uses 0.5 and 0.8 of the preferred lifetime as RFC 8415 section 21.4
// recommends.
// NOTE: dhclient's own choice for T1 = 0 / T2 = 0 was not checked against its source.
DhcpLease to_v6_lease(const IaNa& ia) {
  const IaAddress& address = *ia.first_address;
  DhcpLease lease;
  lease.client = DhcpClient::dhclient;
  lease.family = AF_INET6;
  lease.address = address.address;
  lease.starts = ia.starts;
  bool infinite = address.preferred_life >= kInfiniteLifetime;
  std::uint64_t renew = ia.renew != 0 || infinite ? ia.renew : address.preferred_life / 2;
  std::uint64_t rebind = ia.rebind != 0 || infinite ? ia.rebind : address.preferred_life * 4 / 5;
  lease.renew = after(ia.starts, infinite && ia.renew == 0 ? kInfiniteLifetime : renew);
  lease.rebind = after(ia.starts, infinite && ia.rebind == 0 ? kInfiniteLifetime : rebind);
  lease.expire = after(address.starts, address.max_life);
  return lease;
}

// Reads a block whose "lease6 {" was consumed, through its '}'. A block without an ia-na
// address (prefix delegation only) yields no lease.
Result<std::optional<ParsedLease>> parse_v6_block(TokenCursor& cursor, std::size_t start_line) {
  std::string interface;
  std::optional<IaNa> ia_na;
  bool released = false;
  while (const Token* token = cursor.next()) {
    if (token->kind == TokenKind::close_brace) {
      if (!ia_na || !ia_na->first_address) {
        return std::optional<ParsedLease>{};
      }
      ParsedLease parsed{to_v6_lease(*ia_na), start_line};
      parsed.lease.interface = interface;
      parsed.lease.released = released;
      return std::optional<ParsedLease>{std::move(parsed)};
    }
    if (token->kind != TokenKind::word) {
      return fail(line_prefix(token->line) + "unexpected '" + token->text + "' in lease6 block");
    }

    Status status = ok_status();
    if (token->text == "interface") {
      auto value = single_value(cursor, token->text);
      status = value ? ok_status() : Status(value.error());
      interface = value ? *value : interface;
    } else if (token->text == "released") {
      released = true;
      status = skip_statement(cursor);
    } else if (token->text == "ia-na") {
      auto ia = parse_ia_na(cursor, token->line);
      status = ia ? ok_status() : Status(ia.error());
      if (ia && !ia_na) {
        ia_na = std::move(*ia);
      }
    } else {
      status = skip_statement(cursor);
    }
    if (!status) {
      return status.error();
    }
  }
  return fail(line_prefix(start_line) + "lease6 block not closed before end of file");
}

// ---------------------------------------------------------------------------------------------
// Whole file.

Result<std::vector<ParsedLease>> parse_blocks(const std::vector<Token>& tokens) {
  std::vector<ParsedLease> leases;
  TokenCursor cursor(tokens);
  while (const Token* token = cursor.next()) {
    bool v4 = token->kind == TokenKind::word && token->text == "lease";
    bool v6 = token->kind == TokenKind::word && token->text == "lease6";
    if ((v4 || v6) && cursor.accept(TokenKind::open_brace)) {
      if (v4) {
        auto parsed = parse_v4_block(cursor, token->line);
        if (!parsed) {
          return parsed.error();
        }
        leases.push_back(std::move(*parsed));
      } else {
        auto parsed = parse_v6_block(cursor, token->line);
        if (!parsed) {
          return parsed.error();
        }
        if (*parsed) {
          leases.push_back(std::move(**parsed));
        }
      }
      continue;
    }
    if (token->kind == TokenKind::semicolon) {
      continue;
    }
    if (token->kind == TokenKind::close_brace) {
      return fail(line_prefix(token->line) + "unexpected '}' outside a block");
    }
    if (token->kind == TokenKind::open_brace) {
      if (auto skipped = skip_block(cursor); !skipped) {
        return skipped.error();
      }
      continue;
    }
    if (auto skipped = skip_statement(cursor); !skipped) {
      return skipped.error();
    }
  }
  return leases;
}

bool still_valid(const DhcpLease& lease, std::int64_t now_unix_s) {
  return !lease.released && (!lease.expire || *lease.expire > now_unix_s);
}

// Picks the current lease of one family (the last block) and older valid leases for other
// addresses, newest first, one per address.
void select_family(const std::vector<ParsedLease>& leases, int family, std::int64_t now_unix_s,
                   LeaseFileContents& contents) {
  auto last = std::find_if(leases.rbegin(), leases.rend(),
                           [family](const ParsedLease& p) { return p.lease.family == family; });
  if (last == leases.rend()) {
    return;
  }
  contents.current.push_back(last->lease);

  std::vector<std::string> seen{last->lease.address};
  for (auto it = std::next(last); it != leases.rend(); ++it) {
    const DhcpLease& lease = it->lease;
    if (lease.family != family || std::find(seen.begin(), seen.end(), lease.address) != seen.end()) {
      continue;
    }
    seen.push_back(lease.address);
    if (still_valid(lease, now_unix_s)) {
      contents.fallbacks.push_back(lease);
    }
  }
}

}  // namespace

Result<LeaseFileContents> parse_dhclient_leases(std::string_view text, std::string_view interface,
                                                std::int64_t now_unix_s) {
  auto tokens = tokenize(text);
  if (!tokens) {
    return tokens.error();
  }
  auto blocks = parse_blocks(*tokens);
  if (!blocks) {
    return blocks.error();
  }

  std::erase_if(*blocks, [interface](const ParsedLease& parsed) {
    return !interface.empty() && parsed.lease.interface != interface;
  });
  if (blocks->empty()) {
    return fail(interface.empty() ? std::string("no lease block found")
                                  : "no lease block for interface " + std::string(interface));
  }

  LeaseFileContents contents;
  select_family(*blocks, AF_INET, now_unix_s, contents);
  select_family(*blocks, AF_INET6, now_unix_s, contents);
  return contents;
}

}  // namespace timeguard
