# Sum of range(10_000_000) in a top-level loop (the same program as loop.tempo).
total = 0
for i in range(10_000_000):
    total += i
print(total)
