"""Small number helpers shared by the apps."""


def percentages(values):
    """Whole per cents of each value's share of the total, adding up to exactly 100 (largest remainder method).

    Each share is rounded down, then the points still missing go one each to the shares with the largest
    remainders, earlier values first on a tie: 1/1/1 → 34, 33, 33. All zeros (or nothing) → all zeros.
    """
    values = list(values)
    total = sum(values)
    if total <= 0:
        return [0] * len(values)
    floors, remainders = [], []
    for index, value in enumerate(values):
        whole, remainder = divmod(100 * value, total)
        floors.append(int(whole))
        remainders.append((-remainder, index))
    for _, index in sorted(remainders)[: 100 - sum(floors)]:
        floors[index] += 1
    return floors
