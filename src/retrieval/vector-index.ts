import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

/** Cosine nearest-neighbour search over chunk vectors (label = chunk ordinal), via hnswlib. */
export class VectorIndex {
  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimensions: number,
    readonly count: number,
  ) {}

  static build(vectors: number[][]): VectorIndex {
    const dim = vectors[0]?.length ?? 1;
    const index = new HierarchicalNSW('cosine', dim);
    index.initIndex(Math.max(1, vectors.length), 16, 200, 100);
    vectors.forEach((v, i) => index.addPoint(v, i));
    index.setEf(Math.max(50, Math.min(vectors.length, 200)));
    return new VectorIndex(index, dim, vectors.length);
  }

  static read(file: string, dimensions: number, count: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.readIndexSync(file, true);
    index.setEf(Math.max(50, Math.min(count, 200)));
    return new VectorIndex(index, dimensions, count);
  }

  write(file: string): void {
    this.index.writeIndexSync(file);
  }

  /** Up to k nearest chunks with cosine similarity (1 − distance). */
  search(vector: number[], k: number): { id: number; similarity: number }[] {
    if (this.count === 0) return [];
    const { neighbors, distances } = this.index.searchKnn(vector, Math.min(k, this.count));
    return neighbors.map((id, i) => ({ id, similarity: 1 - distances[i]! }));
  }
}
