// A layer's box on the canvas, apart from the layout that uses it (layout.ts loads elkjs): the
// import worker's own layout of big imports needs the size, and elkjs only for small ones.
export const nodeSize = { width: 200, height: 84 };
