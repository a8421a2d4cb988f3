# Reading elements of a nested list in a loop: w[t][j] on a 3,000 x 10 matrix, 30 passes.
w = [[float(t * j) for j in range(10)] for t in range(3000)]
s = 0.0
for _ in range(30):
    for t in range(3000):
        for j in range(10):
            s += w[t][j]
print(s)
