"""Log-in throttling: slowed, never locked out.

Two counters in the shared store (files or Redis):
- per address, a sliding minute: more than N posts answer 429 with a Dutch wait;
- per account *and* address, failures beyond a free number make the next attempt wait a
  doubling time (1, 2, 4 ... s, at most 15 minutes). Keyed on the pair, so someone guessing
  from elsewhere cannot lock the real person out of their own account.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass

from litestar.stores.base import Store

MAX_DELAY_SECONDS = 15 * 60


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = max(1, retry_after)


@dataclass
class LoginThrottle:
    store: Store
    per_minute: int
    free_failures: int

    @staticmethod
    def _pair_key(email: str, ip: str) -> str:
        digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()
        return f"fail:{digest}"

    async def check(self, email: str, ip: str, now: float | None = None) -> None:
        """Raise TooManyAttempts if this attempt must wait; counts the attempt per address."""
        now = time.time() if now is None else now
        key = f"ip:{hashlib.sha256(ip.encode()).hexdigest()}"
        raw_times = await self.store.get(key)
        recent = [t for t in (json.loads(raw_times) if raw_times else []) if t > now - 60]
        recent.append(now)
        # Keep only what the limit needs: the store never grows with an attacker's tempo.
        recent = recent[-(self.per_minute + 1) :]
        await self.store.set(key, json.dumps(recent), expires_in=120)
        if len(recent) > self.per_minute:
            raise TooManyAttempts(math.ceil(recent[0] + 60 - now))
        raw = await self.store.get(self._pair_key(email, ip))
        if raw:
            until = json.loads(raw)["until"]
            if now < until:
                raise TooManyAttempts(math.ceil(until - now))

    async def failed(self, email: str, ip: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        key = self._pair_key(email, ip)
        raw = await self.store.get(key)
        failures = (json.loads(raw)["n"] if raw else 0) + 1
        delay = 0.0
        if failures > self.free_failures:
            delay = min(2 ** (failures - self.free_failures - 1), MAX_DELAY_SECONDS)
        await self.store.set(
            key, json.dumps({"n": failures, "until": now + delay}), expires_in=24 * 3600
        )

    async def succeeded(self, email: str, ip: str) -> None:
        await self.store.delete(self._pair_key(email, ip))
