// PHP stack traces: see stack_trace.h for the contract every language parser keeps.
//
// Understands Throwable::__toString() and the fatal error PHP logs for an
// uncaught one, alone or behind a log prefix:
//
//   PHP Fatal error:  Uncaught RuntimeException: boom in /var/www/src/Foo.php:12
//   Stack trace:
//   #0 /var/www/src/Bar.php(42): App\Foo->run('x')    <- Bar.php:42 called App\Foo->run
//   #1 [internal function]: App\Bar::call()           <- no file
//   #2 {main}                                         <- the top-level script
//   Next LogicException: outer in /var/www/x.php:5    <- relation "cause" (text order:
//                                                        PHP prints the previous one first)
//     thrown in /var/www/src/Foo.php on line 12
//
// The throw site ("in /var/www/src/Foo.php:12") becomes the exception's first
// frame. PHP names on each frame the function *called* at its file:line; the
// parser moves each name one frame inwards so that a frame's function is the
// one holding its line (the throw site gets "Foo->run", the "#0 Bar.php(42)"
// frame the caller named on "#1"), and drops the then empty "{main}" frame. Also: PHP 5's "Uncaught
// exception 'X' with message 'm' in …", Laravel/Monolog's "[object] (X(code: 0): m at /path:12)" +
// "[stacktrace]" (and "[previous exception]" chains), Symfony console's "In Foo.php line 12:"
// blocks with "Exception trace:", and Xdebug's "PHP   2. f() /path:20".
//
// Pure; linear in the input.
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// ScorePhpTrace returns 0 unless the first 64 lines contain one of these
// (DetectTraceLanguage checks them for every parser in one pass).
inline constexpr std::array<std::string_view, 4> kPhpScoreMarkers = {
    ".php", "{main}", "[internal function]", "[stacktrace]"};

int ScorePhpTrace(std::string_view text);
StackTrace ParsePhpTrace(std::string_view text);

}  // namespace srclink
