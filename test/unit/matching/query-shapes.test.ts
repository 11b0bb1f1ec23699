import { parseQuery } from '../../../functions/core/matching';
import { aPaper, ids, match } from './builders';

const texts = (query: string): string[] => parseQuery(query).include.map((concept) => concept.text);

describe('"X for Y": two subjects a paper says apart', () => {
  const gnnForMolecules = aPaper({
    title: 'MolGNN: Graph Neural Networks over Molecular Graphs',
    abstract: 'We train graph neural networks on molecular graphs. Accuracy improves on public datasets.',
    aiSummary: 'Graph neural networks applied to molecules for drug discovery.',
    aiKeywords: ['graph neural networks', 'drug discovery', 'molecular property prediction'],
  });
  const gnnOnly = aPaper({
    title: 'Oversmoothing in Graph Neural Networks',
    abstract:
      'Graph neural networks oversmooth. We analyse why. Drug discovery is one application we mention.',
    aiSummary: 'An analysis of oversmoothing in graph neural networks.',
    aiKeywords: ['graph neural networks', 'oversmoothing'],
  });

  it('reads each side with its own words and related terms', () => {
    const [concept] = parseQuery('graph neural networks for drug discovery').include;
    expect(concept.sides?.map((side) => side.text)).toEqual(['graph neural networks', 'drug discovery']);
  });

  it('matches a paper saying X in its title and Y in its summary and keywords, not one about X alone', () => {
    const hits = match([gnnForMolecules, gnnOnly], 'graph neural networks for drug discovery');
    expect(ids(hits)).toEqual([gnnForMolecules.id]);
  });

  it('reads each side in its related terms too: "GNN" in the title, "molecular property prediction" in the keywords', () => {
    const gnnTitle = aPaper({
      title: 'MolGNN: Message Passing GNNs for Molecules',
      abstract: 'We train GNNs on molecules. Accuracy improves.',
      aiSummary: 'GNNs predict molecular properties.',
      aiKeywords: ['GNN', 'molecular property prediction'],
    });
    expect(ids(match([gnnTitle], 'graph neural networks for drug discovery'))).toEqual([gnnTitle.id]);
  });

  it('leaves a generic side to the reading that drops it ("AI for finance" is finance)', () => {
    expect(parseQuery('AI for finance').include[0].sides).toBeUndefined();
    expect(parseQuery('social bias in LLMs').include[0].sides).toBeUndefined();
  });
});

describe('"A and B": the area, a paper about either or both', () => {
  const privacy = aPaper({
    title: 'Differential Privacy for Language Model Fine-Tuning',
    abstract: 'We study differential privacy. Privacy budgets are tight.',
    aiSummary: 'Differential privacy for fine-tuning.',
    aiKeywords: ['differential privacy'],
  });
  const federated = aPaper({
    title: 'Communication-Efficient Federated Learning',
    abstract: 'Federated learning trains across clients. We compress updates.',
    aiSummary: 'Federated learning with compressed updates.',
    aiKeywords: ['federated learning'],
  });
  const both = aPaper({
    title: 'Private Federated Learning with Differential Privacy',
    abstract:
      'Federated learning leaks data; differential privacy protects it. Privacy and accuracy are balanced.',
    aiSummary: 'Federated learning with differential privacy.',
    aiKeywords: ['federated learning', 'differential privacy'],
  });

  it('includes papers about either, a paper about both first', () => {
    const hits = match([privacy, federated, both], 'privacy and federated learning');
    expect(ids(hits).sort()).toEqual([privacy.id, federated.id, both.id].sort());
    expect(ids(hits)[0]).toBe(both.id);
  });

  it('shares the head of a compound with a lone word before it', () => {
    expect(texts('image and video generation')).toEqual(['image generation', 'video generation']);
    expect(texts('privacy and federated learning')).toEqual([
      'privacy learning',
      'privacy',
      'federated learning',
    ]);
    expect(texts('safety & alignment')).toEqual(['safety', 'alignment']);
  });

  it('keeps a phrase of vague words whole ("vision and language")', () => {
    expect(texts('vision and language')).toEqual(['vision and language']);
  });
});

describe('"X-to-Y" and its longer names', () => {
  const singleImage = aPaper({
    title: 'Fast Single-Image 3D Reconstruction with Sparse Voxels',
    abstract: 'We reconstruct objects from one photograph. Sparse voxels make it fast.',
    aiSummary: 'A fast method for reconstructing 3D objects from a photograph.',
    aiKeywords: ['single-image 3D reconstruction', 'sparse voxels'],
  });
  const textToImageOf3D = aPaper({
    title: 'Rendering 3D Scenes into Images at Scale',
    abstract: 'We render 3D scenes into images. Throughput improves.',
    aiSummary: 'Scalable rendering of 3D scenes into images.',
    aiKeywords: ['3D rendering', 'images'],
  });

  it('matches the transformation written another way, in its order only', () => {
    const hits = match([singleImage, textToImageOf3D], 'image-to-3D');
    expect(ids(hits)).toEqual([singleImage.id]);
  });

  it('does not read "text-to-speech" in a list ("text, speech, and video") or the other way round', () => {
    const list = aPaper({
      title: 'An Omni Model for Streaming Interaction',
      abstract: 'We build an omni model. It streams.',
      aiSummary: 'A unified model for real-time interaction across text, speech, and video.',
      aiKeywords: ['omni model', 'streaming'],
    });
    const asr = aPaper({
      title: 'Fast Speech-to-Text for Meetings',
      abstract: 'We transcribe meetings. Speech-to-text runs in real time.',
      aiSummary: 'Real-time speech-to-text for meetings.',
      aiKeywords: ['speech-to-text', 'meeting transcription'],
    });
    expect(match([list, asr], 'text-to-speech')).toEqual([]);
  });
});
