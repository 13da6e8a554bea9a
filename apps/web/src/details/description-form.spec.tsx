import { MockedProvider } from '@apollo/client/testing';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conversation } from '../test/fixtures';
import { DescriptionForm } from './description-form';

afterEach(cleanup);

function form(description: string | null) {
  render(
    <MockedProvider mocks={[]}>
      <DescriptionForm
        conversation={conversation('c1', 1, { kind: 'GROUP', description })}
        onError={vi.fn()}
      />
    </MockedProvider>,
  );
  return {
    text: screen.getByLabelText('Description'),
    button: () => screen.getByRole('button') as HTMLButtonElement,
  };
}

describe('DescriptionForm', () => {
  it('offers to save, not to remove, when there is no description yet', () => {
    const { text, button } = form(null);
    expect(button().textContent).toBe('Save description');
    expect(button().disabled).toBe(true);
    fireEvent.change(text, { target: { value: 'Weekend hikes 🥾' } });
    expect(button().textContent).toBe('Save description');
    expect(button().disabled).toBe(false);
  });

  it('offers to remove a description once its text is cleared', () => {
    const { text, button } = form('Weekend hikes 🥾');
    expect(button().textContent).toBe('Save description');
    fireEvent.change(text, { target: { value: '   ' } });
    expect(button().textContent).toBe('Remove description');
    expect(button().disabled).toBe(false);
  });
});
