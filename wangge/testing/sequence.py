"""The one counter behind generated usernames, ID numbers and household codes."""

import itertools

seq = itertools.count(1)
