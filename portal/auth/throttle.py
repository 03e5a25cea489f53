"""Log-in throttling: slowed, never locked out; failures count, successes do not.

Two counters, both changed atomically (a Lua script in Redis, an exclusive file lock in
embedded mode), so parallel attempts cannot all slip through between a read and a write:
- per address, failures in a fixed window (30 in 10 minutes by default). An attempt takes a
  slot *before* the password is checked and gives it back when it succeeds: twenty parallel
  guesses can never use more slots than the limit, while an office behind one address logs in
  its whole team without ever touching the limit;
- per account *and* address, failures beyond a free number make the next attempt wait a
  doubling time (1, 2, 4 ... s, at most 15 minutes). Keyed on the pair, so someone guessing
  from elsewhere cannot lock the real person out of their own account, and a colleague at the
  same address is never slowed by someone else's mistakes.

The same throttle guards the current password on the password-change form: a stolen session
must not become a way to guess the password.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import anyio.to_thread
from redis.asyncio import Redis

from portal.core.settings import Settings

MAX_DELAY_SECONDS = 15 * 60
PAIR_MEMORY_SECONDS = 24 * 3600


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = max(1, retry_after)


class Counters(Protocol):
    """The four atomic operations the throttle needs; each returns the seconds to wait (0: go)."""

    async def take(self, key: str, limit: int, window: int) -> int: ...
    async def give_back(self, key: str) -> None: ...
    async def pair_attempt(self, key: str, free: int, now: float) -> int: ...
    async def forget(self, key: str) -> None: ...


def _pair_delay(failures: int, free: int) -> float:
    return min(2 ** (failures - free - 1), MAX_DELAY_SECONDS) if failures > free else 0.0


_TAKE = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then ttl = 1 end
  return ttl
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_GIVE_BACK = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""
_PAIR = """
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'n', 'until')
local n = tonumber(state[1] or '0')
local wait_until = tonumber(state[2] or '0')
if now < wait_until then return math.ceil(wait_until - now) end
n = n + 1
if n > free then wait_until = now + math.min(2 ^ (n - free - 1), tonumber(ARGV[3])) end
redis.call('HSET', KEYS[1], 'n', n, 'until', string.format('%.3f', wait_until))
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 0
"""


class RedisCounters:
    """Counters in Redis, each operation one Lua script (atomic across web processes)."""

    def __init__(self, url: str, prefix: str = "portal:throttle:") -> None:
        self.redis = Redis.from_url(url)
        self.prefix = prefix
        self._take = self.redis.register_script(_TAKE)
        self._give_back = self.redis.register_script(_GIVE_BACK)
        self._pair = self.redis.register_script(_PAIR)

    async def take(self, key: str, limit: int, window: int) -> int:
        return int(await self._take(keys=[self.prefix + key], args=[limit, window]))

    async def give_back(self, key: str) -> None:
        await self._give_back(keys=[self.prefix + key])

    async def pair_attempt(self, key: str, free: int, now: float) -> int:
        args = [f"{now:.3f}", free, MAX_DELAY_SECONDS, PAIR_MEMORY_SECONDS]
        return int(await self._pair(keys=[self.prefix + key], args=args))

    async def forget(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)


class FileCounters:
    """Counters in one JSON file, every change made under an exclusive `flock` (embedded mode:
    one machine; the lock also holds between the threads one process runs them on)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _change(self, key: str, change: Any) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        now = time.time()
        with self.path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                raw = handle.read()
                entries: dict[str, dict] = json.loads(raw) if raw else {}
                # Expired entries go at every change: the file never grows with old guesses.
                entries = {k: v for k, v in entries.items() if v["expires"] > now}
                entry, wait = change(entries.get(key), now)
                if entry is None:
                    entries.pop(key, None)
                else:
                    entries[key] = entry
                handle.seek(0)
                handle.truncate()
                json.dump(entries, handle)
                handle.flush()
                return wait
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    async def _run(self, key: str, change: Any) -> int:
        return await anyio.to_thread.run_sync(self._change, key, change)

    async def take(self, key: str, limit: int, window: int) -> int:
        def change(entry: dict | None, now: float) -> tuple[dict | None, int]:
            if entry is None:
                return {"n": 1, "expires": now + window}, 0
            if entry["n"] >= limit:
                return entry, max(1, math.ceil(entry["expires"] - now))
            return {**entry, "n": entry["n"] + 1}, 0

        return await self._run(key, change)

    async def give_back(self, key: str) -> None:
        def change(entry: dict | None, now: float) -> tuple[dict | None, int]:
            if entry is None:
                return None, 0
            return {**entry, "n": max(0, entry["n"] - 1)}, 0

        await self._run(key, change)

    async def pair_attempt(self, key: str, free: int, now: float) -> int:
        def change(entry: dict | None, _: float) -> tuple[dict | None, int]:
            failures, until = (entry["n"], entry["until"]) if entry else (0, 0.0)
            if now < until:
                return entry, math.ceil(until - now)
            failures += 1
            if failures > free:
                until = now + _pair_delay(failures, free)
            return {"n": failures, "until": until, "expires": now + PAIR_MEMORY_SECONDS}, 0

        return await self._run(key, change)

    async def forget(self, key: str) -> None:
        await self._run(key, lambda entry, now: (None, 0))


def make_counters(settings: Settings) -> Counters:
    """Redis when configured (shared by every web process), else a locked file under var/."""
    if settings.redis_url:
        return RedisCounters(settings.redis_url)
    return FileCounters(settings.var_path / "store" / "throttle-counters.json")


@dataclass(frozen=True)
class LoginThrottle:
    counters: Counters
    address_limit: int
    address_window_seconds: int
    free_failures: int

    @classmethod
    def from_settings(cls, counters: Counters, settings: Settings) -> LoginThrottle:
        return cls(
            counters=counters,
            address_limit=settings.login_address_failures,
            address_window_seconds=settings.login_address_window_minutes * 60,
            free_failures=settings.login_free_failures,
        )

    @staticmethod
    def _address_key(ip: str) -> str:
        return "ip:" + hashlib.sha256(ip.encode()).hexdigest()

    @staticmethod
    def _pair_key(email: str, ip: str) -> str:
        digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()
        return f"fail:{digest}"

    async def attempt(self, email: str, ip: str, now: float | None = None) -> None:
        """Take this attempt's place, or raise TooManyAttempts.

        The attempt counts as a failure until `succeeded` gives its place back, so a burst of
        parallel attempts is counted before any of them is checked."""
        now = time.time() if now is None else now
        address = self._address_key(ip)
        wait = await self.counters.take(address, self.address_limit, self.address_window_seconds)
        if wait:
            raise TooManyAttempts(wait)
        wait = await self.counters.pair_attempt(self._pair_key(email, ip), self.free_failures, now)
        if wait:
            # A refused attempt checked no password: it is no failure of the address.
            await self.counters.give_back(address)
            raise TooManyAttempts(wait)

    async def succeeded(self, email: str, ip: str) -> None:
        """The password was right: the attempt was no failure, and the pair starts afresh."""
        await self.counters.give_back(self._address_key(ip))
        await self.counters.forget(self._pair_key(email, ip))
